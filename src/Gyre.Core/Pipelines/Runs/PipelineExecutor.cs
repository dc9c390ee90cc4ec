using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Steps;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// Runs a pipeline's steps in dependency order, at most <c>max_parallel</c> at once. Each step is
/// served from the cache when its key matches an earlier success whose outputs still exist;
/// otherwise it runs, with retries (the delay doubling each time) and a timeout per attempt. A
/// failed step skips the steps that need it, and the others go on; a gate that rejects skips its
/// dependants and the run still succeeds. Every change is saved before the next, and every
/// finished step is recorded in the lineage graph.
/// </summary>
public sealed class PipelineExecutor(IPipelineStore store, ILineageStore lineage, IEnumerable<IStepType> types, IStepLogs logs, TimeProvider time)
{
    /// <summary>The step types a pipeline file can use, by name.</summary>
    public IReadOnlyDictionary<string, IStepType> Types { get; } = types.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>
    /// Runs the steps of <paramref name="run"/> that are not done. <paramref name="cancel"/> cancels
    /// the run; <paramref name="shutdown"/> (the server stopping) interrupts it, to be resumed.
    /// </summary>
    public async Task<PipelineRun> ExecuteAsync(PipelineRun run, PipelineDefinition pipeline, string? directory, CancellationToken cancel, CancellationToken shutdown)
    {
        using var progress = new RunProgress(run, store);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancel, shutdown);
        await progress.UpdateAsync(r => r with { State = RunStates.Running, StartTime = r.StartTime ?? Now(), EndTime = null, Error = null });
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        while (true)
        {
            if (!linked.IsCancellationRequested)
            {
                // After a cancel or a stop, what has not run is cancelled or interrupted, not skipped.
                await progress.UpdateAsync(r => SkipBlocked(r, pipeline));
                var ready = pipeline.Steps.Where(s => progress.Run.Step(s.Id).State == StepStates.Pending && !running.ContainsKey(s.Id)
                    && s.Needs.All(n => progress.Run.Step(n).Done));
                foreach (var step in ready.Take(pipeline.MaxParallel - running.Count).ToList())
                {
                    running[step.Id] = RunStepAsync(progress, pipeline, step, directory, cancel, linked.Token);
                }
            }
            if (running.Count == 0)
            {
                break;
            }
            await Task.WhenAny(running.Values);
            foreach (var id in running.Where(p => p.Value.IsCompleted).Select(p => p.Key).ToList())
            {
                await running[id];
                running.Remove(id);
            }
        }
        // A cancel or stop that came after every step had ended changes nothing.
        var open = progress.Run.Steps.Any(st => st.State is StepStates.Pending or StepStates.Cancelled or StepStates.Interrupted);
        await progress.UpdateAsync(r => Finish(r, open && cancel.IsCancellationRequested, open && shutdown.IsCancellationRequested));
        return progress.Run;
    }

    private async Task RunStepAsync(RunProgress progress, PipelineDefinition pipeline, PipelineStep step, string? directory, CancellationToken cancel, CancellationToken ct)
    {
        await Task.Yield();
        using var span = Diagnostics.GyreTracing.Source.StartActivity("gyre.pipeline.step");
        span?.SetTag("gyre.pipeline", pipeline.Name);
        span?.SetTag("gyre.run_id", progress.Run.Id);
        span?.SetTag("gyre.step", step.Id);
        span?.SetTag("gyre.step.uses", step.Uses);
        try
        {
            await RunStepCoreAsync(progress, pipeline, step, directory, cancel, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The step's log could not be opened, or its first state not saved: the step fails with the reason.
            await progress.UpdateStepAsync(step.Id, s => s with { State = StepStates.Failed, EndTime = Now(), Error = Describe(e) });
        }
        finally
        {
            if (span is not null && progress.Run.Step(step.Id) is { } done)
            {
                span.SetTag("gyre.step.state", done.State);
                if (done.State == StepStates.Failed)
                {
                    span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, "step failed");
                }
            }
        }
    }

    private async Task RunStepCoreAsync(RunProgress progress, PipelineDefinition pipeline, PipelineStep step, string? directory, CancellationToken cancel, CancellationToken ct)
    {
        var type = Types[step.Uses];
        var available = PipelineGraph.Ancestors(pipeline, step.Id).SelectMany(id => progress.Run.Step(id).Outputs ?? []).ToList();
        await using var log = await logs.OpenAsync(progress.Run.Id, step.Id, ct);
        var context = new StepContext(progress.Run.Id, pipeline.Name, step, pipeline.Params, available, directory, log, progress.Run.Trigger);
        var started = Now();
        await progress.UpdateStepAsync(step.Id, s => s with { State = StepStates.Running, StartTime = started, EndTime = null, Error = null });
        try
        {
            var inputs = await type.InputsAsync(context, ct);
            var key = StepCacheKey.Of(step, type, type.Implicit(context), inputs);
            if (step.Cache && !progress.Run.NoCache && type.Cacheable(step.With)
                && await store.GetCachedAsync(key, ct) is { } hit && await type.OutputsExistAsync(hit.Outputs, ct))
            {
                await log.WriteLineAsync($"cached: the outputs of run {hit.RunId} step '{hit.StepId}' are reused (key {key})");
                await type.ReapplyAsync(context, hit.Outputs, ct);
                await RecordAsync(progress.Run, step, type, "cached", key, started, inputs, hit.Outputs);
                await progress.UpdateStepAsync(step.Id, s => s with
                {
                    State = StepStates.Cached,
                    EndTime = Now(),
                    Inputs = inputs,
                    Outputs = hit.Outputs,
                    CacheKey = key,
                    Summary = hit.Summary,
                    StopReason = hit.StopReason,
                });
                return;
            }
            var (result, error) = await AttemptsAsync(progress, step, type, context, inputs, ct);
            if (result is null)
            {
                await progress.UpdateStepAsync(step.Id, s => s with { State = StepStates.Failed, EndTime = Now(), Inputs = inputs, Error = error });
                return;
            }
            await RecordAsync(progress.Run, step, type, "complete", key, started, inputs, result.Outputs);
            if (type.Cacheable(step.With))
            {
                await store.PutCachedAsync(new CachedStep(key, result.Outputs, progress.Run.Id, step.Id, result.Summary, result.StopReason, Now()), CancellationToken.None);
            }
            await progress.UpdateStepAsync(step.Id, s => s with
            {
                State = StepStates.Succeeded,
                EndTime = Now(),
                Inputs = inputs,
                Outputs = result.Outputs,
                CacheKey = key,
                Summary = result.Summary,
                StopReason = result.StopReason,
            });
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            var state = cancel.IsCancellationRequested ? StepStates.Cancelled : StepStates.Interrupted;
            await log.WriteLineAsync($"{state} while running");
            await progress.UpdateStepAsync(step.Id, s => s with { State = state, EndTime = Now(), Error = $"{state} while running" });
        }
        catch (Exception e)
        {
            await log.WriteLineAsync(Describe(e));
            await progress.UpdateStepAsync(step.Id, s => s with { State = StepStates.Failed, EndTime = Now(), Error = Describe(e) });
        }
    }

    private async Task<(StepResult? Result, string? Error)> AttemptsAsync(
        RunProgress progress, PipelineStep step, IStepType type, StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await progress.UpdateStepAsync(step.Id, s => s with { Attempts = s.Attempts + 1 });
            string error;
            using (var timeout = step.TimeoutSeconds is { } seconds ? new CancellationTokenSource(TimeSpan.FromSeconds(seconds), time) : new CancellationTokenSource())
            using (var both = CancellationTokenSource.CreateLinkedTokenSource(ct, timeout.Token))
            {
                try
                {
                    return (await type.ExecuteAsync(context, inputs, both.Token), null);
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    error = string.Create(CultureInfo.InvariantCulture, $"timed out after {step.TimeoutSeconds} s");
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    error = Describe(e);
                }
            }
            await context.Log.WriteLineAsync($"attempt {attempt} failed: {error}");
            if (attempt > step.Retries)
            {
                return (null, step.Retries > 0 ? $"{error} (after {attempt} attempts)" : error);
            }
            var delay = TimeSpan.FromSeconds(step.RetryDelaySeconds * Math.Pow(2, attempt - 1));
            await context.Log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"retrying in {delay.TotalSeconds:0.###} s"));
            await Task.Delay(delay, time, ct);
        }
    }

    private async Task RecordAsync(PipelineRun run, PipelineStep step, IStepType type, string state, string key, long started,
        IReadOnlyList<PipelineArtifact> inputs, IReadOnlyList<PipelineArtifact> outputs)
    {
        var execution = new LineageExecution(0, run.Id, run.Pipeline, step.Id, step.Uses, state, type.CodeVersion,
            step.With.DeepClone().AsObject(), key, started, Now());
        await lineage.RecordAsync(execution, inputs, outputs, CancellationToken.None);
    }

    /// <summary>Pending steps that need a step that failed, was skipped, cancelled or interrupted, or stopped them (a rejecting gate), are skipped.</summary>
    private PipelineRun SkipBlocked(PipelineRun run, PipelineDefinition pipeline)
    {
        var changed = true;
        while (changed)
        {
            changed = false;
            foreach (var step in pipeline.Steps.Where(s => run.Step(s.Id).State == StepStates.Pending))
            {
                foreach (var need in step.Needs.Select(run.Step))
                {
                    var (skip, stop) = need switch
                    {
                        { State: StepStates.Failed or StepStates.Cancelled or StepStates.Interrupted } => ($"'{need.Id}' {need.State}", null),
                        { State: StepStates.Skipped, StopReason: null } => ($"'{need.Id}' was skipped", null),
                        { State: StepStates.Skipped } => (need.StopReason, need.StopReason),
                        { StopReason: { } reason } when need.Done => (reason, reason),
                        _ => ((string?)null, (string?)null),
                    };
                    if (skip is not null)
                    {
                        run = run.WithStep(run.Step(step.Id) with { State = StepStates.Skipped, Error = stop is null ? $"skipped: {skip}" : null, StopReason = stop, EndTime = Now() });
                        changed = true;
                        break;
                    }
                }
            }
        }
        return run;
    }

    private PipelineRun Finish(PipelineRun run, bool cancelled, bool interrupted)
    {
        var open = cancelled ? StepStates.Cancelled : interrupted ? StepStates.Interrupted : null;
        if (open is not null)
        {
            run = run with { Steps = [.. run.Steps.Select(s => s.State == StepStates.Pending ? s with { State = open } : s)] };
        }
        var failed = run.Steps.Where(s => s.State == StepStates.Failed).ToList();
        var (state, error) = cancelled ? (RunStates.Cancelled, "cancelled")
            : interrupted ? (RunStates.Interrupted, "the server stopped during the run; resume it to continue from the last finished step")
            : failed.Count > 0 ? (RunStates.Failed, string.Join("; ", failed.Select(s => $"{s.Id}: {s.Error}")))
            : (RunStates.Succeeded, (string?)null);
        return run with { State = state, Error = error, EndTime = Now() };
    }

    private static string Describe(Exception e) => e is GyreException g ? g.Message : $"{e.GetType().Name}: {e.Message}";

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
