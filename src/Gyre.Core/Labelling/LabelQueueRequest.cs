namespace Gyre.Core.Labelling;

/// <summary>
/// <c>POST /api/v1/label-queues</c>: a queue named <c>Name</c> on <c>Endpoint</c> picking by
/// <c>Strategy</c> up to <c>Rate</c> (<c>50/hour</c>) of its predictions per window of
/// <c>WindowSeconds</c> (default 600) from <c>Since</c> (ms; default now, so only new traffic).
/// <c>Double</c> is the share of items that ask for two labels (default 0), <c>Prefer</c> whose ground
/// truth wins (default the application's), <c>Slice</c> the slice strategy's column and quota,
/// <c>Seed</c> the sampler's draws (default random), <c>Tolerance</c> how far two labels of a
/// regression may differ and agree (default 0).
/// </summary>
public sealed record LabelQueueRequest(
    string Name,
    string Endpoint,
    string Strategy,
    string Rate,
    long? WindowSeconds = null,
    double? Double = null,
    string? Prefer = null,
    SliceQuota? Slice = null,
    long? Since = null,
    int? Seed = null,
    double? Tolerance = null,
    string? Description = null);
