using System.Globalization;
using Gyre.Core.Background;
using Gyre.Core.Data;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Log;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Pipelines.Triggers;

/// <summary>
/// Fires the triggers declared in pipeline files, run by the server every few seconds on its clock:
/// a cron schedule that came due since the last check (once, however many were missed), a new
/// version of the watched dataset, or enough new predictions with feedback. Where each trigger
/// stands is saved — with the run it fired, in one transaction — so that a restart neither repeats
/// nor misses a firing; a firing refused by the <c>skip</c> policy is counted on the pipeline.
/// </summary>
public sealed class PipelineTriggerWatcher(IPipelineStore store, PipelineService service, IDatasetStore datasets, IPredictionLog predictions, TimeProvider time,
    BackgroundErrors errors, ILogger<PipelineTriggerWatcher> logger)
{
    public async Task TickAsync(CancellationToken ct)
    {
        foreach (var pipeline in await store.ListPipelinesAsync(ct))
        {
            try
            {
                await CheckAsync(pipeline, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One pipeline's trouble must not stop the others' triggers; the next tick tries again.
                errors.Count(Workers.Triggers);
                GyreLog.PipelineTriggerFailed(logger, e, pipeline.Name);
            }
        }
    }

    private async Task CheckAsync(StoredPipeline pipeline, CancellationToken ct)
    {
        var triggers = PipelineYaml.Parse(pipeline.Yaml, service.Types).Triggers;
        if (!triggers.Any)
        {
            return;
        }
        var now = time.GetUtcNow();
        var state = pipeline.Triggers with { LastCheck = now.ToUnixTimeMilliseconds() };
        RunTrigger? fire = null;
        if (triggers.Schedule is { } schedule && CronSchedule.Next(schedule, DateTimeOffset.FromUnixTimeMilliseconds(pipeline.Triggers.LastCheck)) is { } due && due <= now)
        {
            fire = new RunTrigger(TriggerTypes.Schedule, $"'{schedule}' due at {due:O}");
        }
        if (triggers.Dataset is { } dataset && await LatestAsync(dataset, ct) is { } latest && latest > (pipeline.Triggers.DatasetVersion ?? 0))
        {
            fire ??= new RunTrigger(TriggerTypes.Dataset, string.Create(CultureInfo.InvariantCulture, $"new version {dataset}@{latest}"));
            state = state with { DatasetVersion = latest };
        }
        if (triggers.FeedbackEndpoint is { } endpoint)
        {
            var since = pipeline.Triggers.FeedbackSince ?? pipeline.CreationTime;
            var labelled = await predictions.CountFeedbackAsync(endpoint, since, ct);
            if (labelled >= triggers.FeedbackCount)
            {
                fire ??= new RunTrigger(TriggerTypes.Feedback, string.Create(CultureInfo.InvariantCulture, $"{labelled} new predictions with feedback on '{endpoint}'"));
                state = state with { FeedbackSince = state.LastCheck };
            }
        }
        if (fire is not null)
        {
            try
            {
                await service.StartRunAsync(pipeline.Name, fire, null, noCache: false, state, ct);
                return; // the state is saved with the run
            }
            catch (GyreException e) when (e.Code == ErrorCode.Conflict)
            {
                state = state with { Skipped = state.Skipped + 1, LastSkip = $"{fire.Type} at {now:O}: {e.Message}" };
            }
        }
        await store.SaveTriggerStateAsync(pipeline.Name, state, ct);
    }

    private async Task<long?> LatestAsync(string dataset, CancellationToken ct)
    {
        try
        {
            return (await datasets.GetVersionAsync(dataset, 0, ct)).Version;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }
}
