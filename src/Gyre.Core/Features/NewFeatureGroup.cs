namespace Gyre.Core.Features;

/// <summary>
/// <c>POST /api/v1/feature-groups</c>: a group named <c>Name</c> over the dataset version <c>From</c>
/// (<c>NAME@VERSION</c>, or <c>NAME</c> for the latest), keyed by <c>Entities</c>, timed by the
/// datetime column <c>EventTime</c>; its features are <c>Features</c> (default: every other column), of
/// which those in <c>Vectors</c> are vectors of the given dimensions (text columns of JSON arrays).
/// </summary>
public sealed record NewFeatureGroup(
    string Name,
    string From,
    IReadOnlyList<string> Entities,
    string EventTime,
    IReadOnlyList<string>? Features = null,
    long? TtlSeconds = null,
    string? Description = null,
    IReadOnlyDictionary<string, int>? Vectors = null);
