namespace Gyre.Core.Learning.Training;

/// <summary>
/// A random hyperparameter search: at most <c>Trials</c> trials (default 10), stopping early once
/// <c>Seconds</c> have passed, each a nested run scored by <c>Metric</c> (default auc, accuracy or
/// rmse, as the task) on a validation part split off the train part. The search draws with the
/// training's seed, so with a trial budget it is reproducible; a time budget is not.
/// </summary>
public sealed record SearchSpec(int? Trials = null, double? Seconds = null, string? Metric = null)
{
    public const int DefaultTrials = 10;

    public const int MaxTrials = 200;
}
