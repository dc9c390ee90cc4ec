namespace Gyre.Core.Tracking;

/// <summary>
/// The one write primitive of tracking: every convenience write (one param, one metric,
/// one tag) is a batch of one. Limits are MLflow's.
/// </summary>
public sealed record LogBatch(
    IReadOnlyList<Metric>? Metrics = null,
    IReadOnlyList<Param>? Params = null,
    IReadOnlyList<Tag>? Tags = null)
{
    public const int MaxMetrics = 1000;
    public const int MaxParams = 100;
    public const int MaxTags = 100;
    public const int MaxItems = 1000;

    public IReadOnlyList<Metric> MetricList => Metrics ?? [];

    public IReadOnlyList<Param> ParamList => Params ?? [];

    public IReadOnlyList<Tag> TagList => Tags ?? [];
}
