namespace Gyre.Core.Pipelines.Runs;

public static class TriggerTypes
{
    public const string Manual = "manual";
    public const string Schedule = "schedule";
    public const string Dataset = "dataset";
    public const string Feedback = "feedback";
    public const string Alert = "alert";

    public static readonly IReadOnlyList<string> All = [Manual, Schedule, Dataset, Feedback, Alert];
}
