namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// What starts a pipeline besides a person: a cron <c>Schedule</c> (UTC, five fields), a new
/// version of <c>Dataset</c>, or <c>FeedbackCount</c> new predictions with feedback on
/// <c>FeedbackEndpoint</c>. Monitoring alerts start runs through the service, whatever is declared here.
/// </summary>
public sealed record PipelineTriggers(string? Schedule = null, string? Dataset = null, string? FeedbackEndpoint = null, int? FeedbackCount = null)
{
    public bool Any => Schedule is not null || Dataset is not null || FeedbackEndpoint is not null;
}
