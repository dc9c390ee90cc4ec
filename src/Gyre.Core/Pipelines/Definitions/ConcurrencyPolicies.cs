namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// What happens when a pipeline is started while one of its runs is going: <c>skip</c> refuses
/// the new run (a trigger counts it as skipped), <c>queue</c> keeps it until the others finish.
/// </summary>
public static class ConcurrencyPolicies
{
    public const string Skip = "skip";
    public const string Queue = "queue";

    public static readonly IReadOnlyList<string> All = [Skip, Queue];
}
