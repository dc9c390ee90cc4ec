namespace Gyre.Core.Features.Lookups;

/// <summary>
/// An endpoint's feature lookups: the features (<c>GROUP:FEATURE</c> or <c>GROUP:*</c>) the gateway
/// fills from the online store by each row's entity keys, and what a row whose entity has none gets
/// (<see cref="MissingPolicies"/>). A value the request sends itself wins over the stored one.
/// </summary>
public sealed record FeatureLookup(IReadOnlyList<string>? Lookup, string? Missing = null)
{
    public string MissingPolicy => Missing ?? MissingPolicies.Reject;
}

/// <summary>What a row gets when the online store has no values for its entity (or only values older than the group's time-to-live).</summary>
public static class MissingPolicies
{
    /// <summary>The request is refused with a 400 that names the entity.</summary>
    public const string Reject = "reject";

    /// <summary>The features are sent to the model as missing values (null), for its own missing-value handling.</summary>
    public const string Null = "null";

    public static IReadOnlyList<string> All { get; } = [Reject, Null];
}
