namespace Gyre.Core.Serving.Endpoints;

/// <summary>
/// A serving endpoint: the model reference it was made from (<c>NAME@ALIAS</c> follows an alias
/// through rollouts; <c>NAME/VERSION</c> pins one), how its predictions are logged, its
/// variants, each a model version with a share of the traffic, and how concurrent requests share
/// model calls (<see cref="Batching"/>; null gives each variant its model's default), and the
/// features the gateway looks up from the online store for each row (<see cref="Features"/>; null: none).
/// </summary>
public sealed record Endpoint(
    string Name,
    string Model,
    string? Description,
    string LogMode,
    IReadOnlyList<EndpointVariant> Variants,
    long CreationTime,
    long LastUpdateTime,
    Batching.BatchSettings? Batching = null,
    Features.Lookups.FeatureLookup? Features = null);

/// <summary>
/// One model version behind an endpoint. <see cref="Weight"/> is its share of live traffic in
/// percent; a shadow variant takes no live traffic and receives copies of <see cref="Weight"/>
/// percent of requests instead.
/// </summary>
public sealed record EndpointVariant(string Name, string ModelName, long ModelVersion, int Weight, string Role = VariantRoles.Live)
{
    /// <summary>A variant named after its model version (<c>NAME-vN</c>).</summary>
    public static EndpointVariant Of(string modelName, long modelVersion, int weight) => new(NameOf(modelName, modelVersion), modelName, modelVersion, weight);

    public static string NameOf(string modelName, long modelVersion) => $"{modelName}-v{modelVersion}";
}

public static class VariantRoles
{
    /// <summary>Answers the requests routed to it.</summary>
    public const string Live = "live";

    /// <summary>Gets copies of requests off the request path; its answers are logged, never returned.</summary>
    public const string Shadow = "shadow";
}

/// <summary>How an endpoint's predictions reach the log.</summary>
public static class LogModes
{
    /// <summary>A prediction is answered only once it is on disk (group commit).</summary>
    public const string Durable = "durable";

    /// <summary>Answered at once and written in the background; a crash can lose the last moments, and a full queue drops (counted).</summary>
    public const string Fast = "fast";

    public static IReadOnlyList<string> All { get; } = [Durable, Fast];
}
