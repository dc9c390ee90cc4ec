using System.Collections.Concurrent;
using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Steps;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// Pipelines and their runs: saves checked pipeline files, starts runs (in the background, under
/// the pipeline's concurrency policy), cancels and resumes them, and on start marks the runs a
/// stopped server left running as interrupted. Whatever starts a run — a person, a schedule, new
/// data, an alert — comes through <see cref="StartRunAsync"/> and is recorded on the run.
/// </summary>
public sealed class PipelineService(IPipelineStore store, PipelineExecutor executor, Data.IDatasetStore datasets, ILeaseStore leases, IRunJobs jobs,
    ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time, BackgroundErrors errors, ILogger<PipelineService> logger)
    : IAsyncDisposable
{
    private static readonly string[] Active = [RunStates.Queued, RunStates.Running];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ConcurrentDictionary<long, ActiveRun> _active = new();
    private readonly CancellationTokenSource _shutdown = new();
    private int _disposed;

    public IReadOnlyDictionary<string, IStepType> Types => executor.Types;

    /// <summary>Checks the file and stores it as the pipeline of its name; its triggers start counting from now.</summary>
    public async Task<StoredPipeline> SaveAsync(string yaml, string? directory, CancellationToken ct)
    {
        var definition = PipelineYaml.Parse(yaml, Types);
        if (directory is not null && !Path.IsPathFullyQualified(directory))
        {
            throw GyreException.Invalid($"directory: expected an absolute path, got '{directory}'");
        }
        var digest = Digests.Of(yaml + "\n" + directory);
        var now = Now();
        StoredPipeline? existing = null;
        try
        {
            existing = await store.GetPipelineAsync(definition.Name, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            // A new pipeline.
        }
        var triggers = existing?.Triggers ?? new TriggerState(now, await LatestVersionAsync(definition.Triggers.Dataset, ct), now);
        if (existing is not null && PipelineYaml.Parse(existing.Yaml, Types).Triggers != definition.Triggers)
        {
            triggers = new TriggerState(now, await LatestVersionAsync(definition.Triggers.Dataset, ct), now, existing.Triggers.Skipped, existing.Triggers.LastSkip);
        }
        var stored = new StoredPipeline(definition.Name, digest, yaml, directory, existing?.CreationTime ?? now, now, triggers);
        if (existing?.Digest != digest || existing.Triggers != triggers)
        {
            await store.SavePipelineAsync(stored, ct);
        }
        return stored;
    }

    public Task<StoredPipeline> GetPipelineAsync(string name, CancellationToken ct) => store.GetPipelineAsync(name, ct);

    public Task<IReadOnlyList<StoredPipeline>> ListPipelinesAsync(CancellationToken ct) => store.ListPipelinesAsync(ct);

    public async Task DeletePipelineAsync(string name, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (FirstOrNull(await ActiveRunsAsync(name, ct)) is { } run)
            {
                throw GyreException.Conflict($"pipeline '{name}' has run {run.Id} {run.State}; cancel it first");
            }
            await store.DeletePipelineAsync(name, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Starts a run of the stored pipeline with <paramref name="parameters"/> set. While another run
    /// of it is queued or running, <c>skip</c> refuses (409) and <c>queue</c> queues it. A run that
    /// the pipeline's own trigger fired brings the trigger's new state (<paramref name="triggers"/>),
    /// saved with the run (<see cref="IPipelineStore.CreateRunAsync"/>) and not at all if it is refused.
    /// </summary>
    public async Task<PipelineRun> StartRunAsync(string name, RunTrigger trigger, IReadOnlyDictionary<string, string>? parameters, bool noCache, TriggerState? triggers, CancellationToken ct)
    {
        if (!TriggerTypes.All.Contains(trigger.Type))
        {
            throw GyreException.Invalid($"trigger: expected one of {string.Join(", ", TriggerTypes.All)}, got '{trigger.Type}'");
        }
        if (_shutdown.IsCancellationRequested)
        {
            throw new GyreException(ErrorCode.Unavailable, "the server is stopping; start the run again once it is back");
        }
        var stored = await store.GetPipelineAsync(name, ct);
        var definition = PipelineYaml.Parse(stored.Yaml, Types, parameters);
        await _gate.WaitAsync(ct);
        try
        {
            var busy = FirstOrNull(await ActiveRunsAsync(name, ct));
            if (busy is not null && definition.Concurrency == ConcurrencyPolicies.Skip)
            {
                throw GyreException.Conflict($"pipeline '{name}' has run {busy.Id} {busy.State}, and its concurrency is skip; wait for it, or set concurrency: queue");
            }
            var run = await store.CreateRunAsync(new PipelineRun(0, name, stored.Digest, busy is null ? RunStates.Running : RunStates.Queued, trigger,
                parameters ?? new Dictionary<string, string>(), noCache, [.. definition.Steps.Select(s => new StepRun(s.Id, s.Uses, StepStates.Pending))], Now()), triggers, ct);
            if (busy is null)
            {
                await DispatchAsync(run, definition, stored.Directory);
            }
            return run;
        }
        finally
        {
            _gate.Release();
        }
    }

    public Task<PipelineRun> GetRunAsync(long id, CancellationToken ct) => store.GetRunAsync(id, ct);

    public Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipeline, int limit, CancellationToken ct) => store.ListRunsAsync(pipeline, limit, ct);

    /// <summary>Cancels a queued or running run; running steps are stopped (a command's process tree is killed).</summary>
    public async Task<PipelineRun> CancelAsync(long id, CancellationToken ct)
    {
        while (true)
        {
            if (_active.TryGetValue(id, out var active))
            {
                await active.Cancel.CancelAsync();
                await active.Task;
                return await store.GetRunAsync(id, ct);
            }
            await _gate.WaitAsync(ct);
            try
            {
                if (_active.ContainsKey(id))
                {
                    // Started from the queue meanwhile: cancel it as a running run.
                    continue;
                }
                var run = await store.GetRunAsync(id, ct);
                if (run.State != RunStates.Queued)
                {
                    throw GyreException.Conflict($"run {id} is {run.State}; only a queued or running run can be cancelled");
                }
                run = run with
                {
                    State = RunStates.Cancelled,
                    EndTime = Now(),
                    Error = "cancelled while queued",
                    Steps = [.. run.Steps.Select(s => s with { State = StepStates.Cancelled })],
                };
                await store.SaveRunAsync(run, ct);
                return run;
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>
    /// Continues an interrupted, failed or cancelled run with the same file and parameters: finished
    /// steps keep their outputs, the others run again.
    /// </summary>
    public async Task<PipelineRun> ResumeAsync(long id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var run = await store.GetRunAsync(id, ct);
            if (run.State is not (RunStates.Interrupted or RunStates.Failed or RunStates.Cancelled))
            {
                throw GyreException.Conflict($"run {id} is {run.State}; only an interrupted, failed or cancelled run can be resumed");
            }
            if (FirstOrNull(await ActiveRunsAsync(run.Pipeline, ct)) is { } busy)
            {
                throw GyreException.Conflict($"pipeline '{run.Pipeline}' has run {busy.Id} {busy.State}; resume this one after it");
            }
            var (yaml, directory) = await store.GetVersionAsync(run.Pipeline, run.Digest, ct);
            var definition = PipelineYaml.Parse(yaml, Types, run.Params);
            run = run with
            {
                State = RunStates.Running,
                Attempt = run.Attempt + 1,
                EndTime = null,
                Error = null,
                Steps = [.. run.Steps.Select(s => s.Done ? s : new StepRun(s.Id, s.Uses, StepStates.Pending))],
            };
            await store.SaveRunAsync(run, ct);
            await DispatchAsync(run, definition, directory);
            return run;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// At a worker's start, and on every tick of the trigger scheduler: a run left running by a
    /// replica that died (its lease ran out, or its process on this host is gone) goes on as its next
    /// attempt, from its last finished step, on whichever worker claims it from the queue: the step
    /// that was running runs again from its start, and the run finishes once, both attempts in its
    /// record. Then queued runs start.
    /// </summary>
    public async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var run in await store.ListRunsInStateAsync([RunStates.Running], ct))
        {
            if (_active.ContainsKey(run.Id) || await jobs.WaitingAsync(run.Id, ct)
                || (await leases.HolderAsync(RunLease(run.Id), ct) is { } holder && !replica.IsGoneFromThisHost(holder)))
            {
                continue;
            }
            await RequeueAsync(run.Id, ct);
        }
        await StartQueuedAsync(ct);
    }

    /// <summary>
    /// Queues an abandoned run's next attempt, under the run's lease so that two workers recovering at
    /// once requeue it once; the lease is let go after, for the claimer to take.
    /// </summary>
    private async Task RequeueAsync(long id, CancellationToken ct)
    {
        var lease = new Singleton(RunLease(id), leases, replica);
        await lease.RunAsync(async (_, ct) =>
        {
            var run = await store.GetRunAsync(id, ct);
            if (run.State != RunStates.Running || await jobs.WaitingAsync(id, ct))
            {
                return;
            }
            await store.SaveRunAsync(run with
            {
                Attempt = run.Attempt + 1,
                // The step keeps its count of attempts (and its log, which the next attempt appends to).
                Steps = [.. run.Steps.Select(s => s.State is StepStates.Running ? s with { State = StepStates.Pending } : s)],
            }, ct);
            await jobs.EnqueueAsync(id, ct);
        }, ct);
        await lease.ReleaseAsync(ct);
    }

    /// <summary>Starts the oldest queued run of each pipeline that has none running.</summary>
    public async Task StartQueuedAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var runs = await store.ListRunsInStateAsync(Active, ct);
            foreach (var group in runs.GroupBy(r => r.Pipeline).Where(g => g.All(r => r.State == RunStates.Queued)))
            {
                var next = group.First();
                PipelineDefinition definition;
                string? directory;
                try
                {
                    (var yaml, directory) = await store.GetVersionAsync(next.Pipeline, next.Digest, ct);
                    definition = PipelineYaml.Parse(yaml, Types, next.Params);
                }
                catch (GyreException e)
                {
                    // The file no longer reads (a newer Gyre checks more): the run fails instead of blocking the queue.
                    await store.SaveRunAsync(next with { State = RunStates.Failed, EndTime = Now(), Error = $"cannot start: {e.Message}" }, ct);
                    continue;
                }
                next = next with { State = RunStates.Running };
                await store.SaveRunAsync(next, ct);
                await DispatchAsync(next, definition, directory);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Waits for a run to end (tests, and the CLI's in-process demo).</summary>
    public async Task<PipelineRun> WaitAsync(long id, CancellationToken ct)
    {
        if (_active.TryGetValue(id, out var active))
        {
            await active.Task.WaitAsync(ct);
        }
        return await store.GetRunAsync(id, ct);
    }

    /// <summary>Stops every running run as interrupted (the server is stopping) and waits for their steps to let go.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await _shutdown.CancelAsync();
        await Task.WhenAll(_active.Values.Select(a => a.Task));
    }

    /// <summary>
    /// Runs a run here on a replica with the worker role; elsewhere queues it for a worker
    /// (<see cref="RunWorker"/>), which claims it and runs it under the run's lease.
    /// </summary>
    private async Task DispatchAsync(PipelineRun run, PipelineDefinition definition, string? directory)
    {
        if (replica.Has(ReplicaRoles.Worker))
        {
            Launch(run, definition, directory);
            return;
        }
        // Recorded as running already: from here it must reach a worker even if this caller goes away.
        await jobs.EnqueueAsync(run.Id, CancellationToken.None);
    }

    /// <summary>
    /// Runs a run a worker claimed from the queue (its lease taken with the claim); one cancelled or
    /// ended meanwhile is let go. Returns whether it started.
    /// </summary>
    public async Task<bool> RunClaimedAsync(long id, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var run = await store.GetRunAsync(id, ct);
            if (run.State != RunStates.Running || _active.ContainsKey(id))
            {
                return false;
            }
            var (yaml, directory) = await store.GetVersionAsync(run.Pipeline, run.Digest, ct);
            Launch(run, PipelineYaml.Parse(yaml, Types, run.Params), directory);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Launch(PipelineRun run, PipelineDefinition definition, string? directory)
    {
        var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        ActiveRun? self = null;
        // A run outlives whatever started it: a trigger's tick must not fence the run's writes by its lease.
        using var unfenced = LeaseFence.Suspend();
        var task = Task.Run(async () =>
        {
            // Nor the request's trace: a run's steps are spans of their own, not children of a request
            // that ended long before (and whose sampling decision is not theirs).
            System.Diagnostics.Activity.Current = null;
            await started.Task;
            counters.RunStarted();
            PipelineRun? final = null;
            // Held while the run goes, so that no other replica takes it for abandoned; its writes are fenced by it.
            var lease = new Singleton(RunLease(run.Id), leases, replica);
            try
            {
                await lease.RunAsync(async (_, _) => final = await executor.ExecuteAsync(run, definition, directory, cancel.Token, _shutdown.Token), CancellationToken.None);
            }
            catch (Exception e)
            {
                // The run record could not be kept up to date (the store failed): say so, if it can still be said.
                final = await TryFailAsync(run.Id, e);
            }
            finally
            {
                // Only this launch's entry: a resume may already have put the next one under the same id.
                _active.TryRemove(KeyValuePair.Create(run.Id, self!));
                await ReleaseAsync(lease);
                counters.RunFinished(final?.State);
            }
            if (final is not null && final.State != RunStates.Succeeded)
            {
                // Cancelled and interrupted runs are logged too; only failures count as the worker's errors.
                if (final.State == RunStates.Failed)
                {
                    errors.Count(Workers.Pipelines);
                }
                GyreLog.PipelineRunEnded(logger, final.Id, final.Pipeline, final.State, final.Error);
            }
            if (!_shutdown.IsCancellationRequested)
            {
                await StartQueuedAsync(CancellationToken.None);
            }
        });
        self = new ActiveRun(task, cancel);
        _active[run.Id] = self;
        started.SetResult();
    }

    /// <summary>The lease a running run is held under.</summary>
    public static string RunLease(long id) => RunLeasePrefix + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What every run's lease name starts with, before the run's id.</summary>
    public const string RunLeasePrefix = "pipeline-run:";

    private async Task ReleaseAsync(Singleton lease)
    {
        try
        {
            await lease.ReleaseAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GyreLog.TickFailed(logger, e, Workers.Pipelines); // the lease then runs out by itself
        }
    }

    private async Task<PipelineRun?> TryFailAsync(long id, Exception e)
    {
        try
        {
            var run = await store.GetRunAsync(id, CancellationToken.None);
            run = run with { State = RunStates.Failed, EndTime = Now(), Error = $"the run stopped: {e.Message}" };
            await store.SaveRunAsync(run, CancellationToken.None);
            return run;
        }
        catch (Exception)
        {
            // The store is down; at the next start the run is marked interrupted.
            return null;
        }
    }

    private static PipelineRun? FirstOrNull(IReadOnlyList<PipelineRun> runs) => runs.Count > 0 ? runs[0] : null;

    private async Task<IReadOnlyList<PipelineRun>> ActiveRunsAsync(string pipeline, CancellationToken ct) =>
        [.. (await store.ListRunsInStateAsync(Active, ct)).Where(r => r.Pipeline == pipeline)];

    private async Task<long?> LatestVersionAsync(string? dataset, CancellationToken ct)
    {
        if (dataset is null)
        {
            return null;
        }
        try
        {
            return (await datasets.GetVersionAsync(dataset, 0, ct)).Version;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return 0;
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed record ActiveRun(Task Task, CancellationTokenSource Cancel);
}
