using Gyre.Core.Background;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Traffic;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>
/// Moves traffic between an endpoint's stable version and a candidate. Every change is first
/// recorded in the rollout (state, step, transition with its reason) and only then applied to the
/// endpoint's variants, which are derived from the record. <see cref="TickAsync"/> — run every
/// second by the server, and at start — puts an endpoint's variants right when they differ from
/// its record (a crash between the two writes), ends blue-green retention, judges canary steps and
/// ends shadows. One change at a time, whoever asks.
/// </summary>
public sealed class RolloutController(
    IRolloutStore store, IEndpointStore endpoints, EndpointService service, EndpointRouter router, IRegistryStore registry,
    ClusterTraffic traffic, IPredictionLog log, Diagnostics.ReplicaCounters counters, TimeProvider time, BackgroundErrors errors, ILogger<RolloutController> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _resumed;

    public async Task<Rollout> StartAsync(string endpointName, RolloutRequest request, CancellationToken ct)
    {
        var strategy = request.Strategy?.ToLowerInvariant() ?? RolloutStrategies.Canary;
        var problems = new List<string>();
        if (!RolloutStrategies.All.Contains(strategy))
        {
            problems.Add($"strategy: expected one of {string.Join(", ", RolloutStrategies.All)}, got '{request.Strategy}'");
        }
        RolloutSettings? settings = null;
        try
        {
            settings = RolloutPlan.Settings(request);
        }
        catch (GyreException e)
        {
            problems.AddRange(e.Errors.Count > 0 ? e.Errors : [e.Message]);
        }
        GyreException.ThrowIfAny(problems);

        await _gate.WaitAsync(ct);
        try
        {
            var endpoint = await endpoints.GetEndpointAsync(endpointName, ct);
            router.Get(endpointName);
            if (await store.GetRunningAsync(endpointName, ct) is { } running)
            {
                throw GyreException.Conflict($"endpoint '{endpointName}' has rollout {running.Id} running ({running.Strategy}); finish or abort it first");
            }
            if (endpoint.Variants is not [var stable])
            {
                throw GyreException.Conflict($"endpoint '{endpointName}' has {endpoint.Variants.Count} variants; a rollout starts from one");
            }
            var reference = ModelReference.Parse("model", request.Model ?? endpoint.Model);
            var version = await reference.ResolveAsync(registry, ct);
            if (version.Name == stable.ModelName && version.Version == stable.ModelVersion)
            {
                throw GyreException.Conflict($"endpoint '{endpointName}' already serves {version.Name}/{version.Version}");
            }
            var now = Now();
            var candidate = new RolloutVariant(EndpointVariant.NameOf(version.Name, version.Version), version.Name, version.Version);
            var rollout = new Rollout(0, endpointName, strategy, RolloutStates.Running, new RolloutVariant(stable.Name, stable.ModelName, stable.ModelVersion),
                candidate, settings!, 0, now, now, now, []);
            rollout = rollout with { Transitions = [new RolloutTransition(now, RolloutStates.Running, RolloutPlan.CandidateWeight(rollout), Started(rollout))] };
            rollout = await store.CreateRolloutAsync(rollout, ct);
            counters.RolloutReached(endpointName, RolloutStates.Running);
            try
            {
                await ApplyAsync(rollout, ct);
            }
            catch (GyreException e)
            {
                // The candidate did not load or answer its sample row: traffic never moved.
                rollout = await FinishAsync(rollout, RolloutStates.Failed, $"the candidate could not be served: {e.Message}", ct);
                throw new GyreException(e.Code, $"rollout {rollout.Id} failed: the candidate could not be served: {e.Message}");
            }
            return rollout;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Deletes an endpoint, in turn with rollout changes; conflict while a rollout runs on it.</summary>
    public async Task DeleteEndpointAsync(string endpointName, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (await store.GetRunningAsync(endpointName, ct) is { } running)
            {
                throw GyreException.Conflict($"endpoint '{endpointName}' has rollout {running.Id} running; abort or promote it first");
            }
            await service.DeleteAsync(endpointName, ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops a running rollout: all traffic back to the stable version (instantly, for a blue-green within its retention).</summary>
    public Task<Rollout> AbortAsync(string endpointName, long id, CancellationToken ct) =>
        ActAsync(endpointName, id, r => (RolloutStates.Aborted, "aborted by request: all traffic back on the stable version"), ct);

    /// <summary>Ends a running rollout with the candidate serving all traffic (skipping remaining canary steps, or promoting a shadow or A/B candidate).</summary>
    public Task<Rollout> PromoteAsync(string endpointName, long id, CancellationToken ct) =>
        ActAsync(endpointName, id, r => (RolloutStates.Succeeded, "promoted by request: the candidate serves all traffic"), ct);

    /// <summary>
    /// Makes the next tick bake running canary steps again, as after a restart: called when this
    /// replica takes the controller's lease over, because the steps' windows so far were counted
    /// by the replica that held it.
    /// </summary>
    public void Resume() => _resumed = false;

    /// <summary>Drives every running rollout one step: reconcile, then time-based moves.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var resuming = !_resumed;
            _resumed = true;
            foreach (var rollout in await store.ListLatestAsync(ct))
            {
                try
                {
                    await AdvanceAsync(rollout, resuming, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException && rollout.State == RolloutStates.Running)
                {
                    // One endpoint's trouble must not stop the others; it is recorded on its rollout.
                    try
                    {
                        await FinishAsync(rollout, RolloutStates.Failed, $"the controller could not continue: {e.Message}", ct);
                    }
                    catch (Exception again) when (again is not OperationCanceledException)
                    {
                        Failed(rollout, again);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    Failed(rollout, e);
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Puts the endpoint's variants right when they differ from its latest rollout's record (a crash
    /// between recording a change and applying it, whatever the state), then moves a running
    /// rollout on. A canary whose process restarted bakes its step again: its window was in memory.
    /// </summary>
    private async Task AdvanceAsync(Rollout rollout, bool resuming, CancellationToken ct)
    {
        var running = rollout.State == RolloutStates.Running;
        if (running && rollout.Strategy == RolloutStrategies.Canary && resuming)
        {
            rollout = await store.SaveRolloutAsync(rollout with { StepStartTime = Now(), Extensions = 0 }, ct);
            // The step's traffic so far was counted by the process before (or the replica before): it starts again here, on every replica.
            await traffic.MarkAsync(rollout.Endpoint, RolloutPlan.Variants(rollout).Select(v => v.Name), ct);
        }
        if (!router.TryGet(rollout.Endpoint, out var served) || !SameVariants(served.Endpoint.Variants, RolloutPlan.Variants(rollout)))
        {
            if (running || router.TryGet(rollout.Endpoint, out _))
            {
                await ApplyAsync(rollout, ct);
            }
            return;
        }
        if (!running)
        {
            return;
        }
        var elapsed = (Now() - rollout.StepStartTime) / 1000.0;
        switch (rollout.Strategy)
        {
            case RolloutStrategies.BlueGreen when elapsed >= rollout.Settings.RetentionSeconds:
                await FinishAsync(rollout, RolloutStates.Succeeded, $"blue retained for {rollout.Settings.RetentionSeconds} s without a rollback; unloaded", ct);
                break;
            case RolloutStrategies.Shadow when elapsed >= rollout.Settings.DurationSeconds:
                var shadow = (await traffic.SinceMarkAsync(rollout.Endpoint, [rollout.Candidate.Variant], ct))[0];
                await FinishAsync(rollout, RolloutStates.Completed,
                    $"shadow ran {rollout.Settings.DurationSeconds} s: {shadow.Compared} rows compared, {shadow.Agreed} agreed with the primary, {shadow.Errors} failed; unloaded", ct);
                break;
            case RolloutStrategies.Canary when elapsed >= rollout.Settings.BakeSeconds * (1 + rollout.Extensions):
                await AnalyseAsync(rollout, served, ct);
                break;
        }
    }

    /// <summary>
    /// Judges the step once its bake time (and any extensions) has passed. Without the evidence to
    /// judge, the step bakes again, up to <c>max_extensions</c> times, each extension recorded; then
    /// the rollout fails, or, with <c>on_inconclusive: pass</c>, moves on with a warning in its record.
    /// </summary>
    private async Task AnalyseAsync(Rollout rollout, ServedEndpoint served, CancellationToken ct)
    {
        var task = served.Live.FirstOrDefault(v => v.Variant.Name == rollout.Candidate.Variant)?.Predictor.Package.Task;
        var labelled = await log.LabelledAsync(rollout.Endpoint, rollout.StepStartTime, ct);
        var counts = await traffic.SinceMarkAsync(rollout.Endpoint, [rollout.Stable.Variant, rollout.Candidate.Variant], ct);
        var result = CanaryAnalysis.Judge(Now(), rollout, counts[0], counts[1], labelled, task);
        var settings = rollout.Settings;
        var percent = settings.Steps[rollout.Step];
        rollout = rollout with { Analyses = [.. rollout.Analyses ?? [], result] };
        if (result.Verdict == CanaryAnalysis.Inconclusive && rollout.Extensions < settings.MaxExtensions)
        {
            var extended = rollout with { Extensions = rollout.Extensions + 1, LastUpdateTime = Now() };
            extended = extended with
            {
                Transitions = [.. rollout.Transitions, new RolloutTransition(Now(), RolloutStates.Running, RolloutPlan.CandidateWeight(rollout),
                    $"analysis at {percent}% inconclusive ({result.Reasons[0]}); the step bakes {settings.BakeSeconds} s more (extension {extended.Extensions} of {settings.MaxExtensions})")],
            };
            await store.SaveRolloutAsync(extended, ct);
            return;
        }
        string passed;
        if (result.Verdict == CanaryAnalysis.Fail)
        {
            await FinishAsync(rollout, RolloutStates.Failed, $"analysis at {percent}% failed: {string.Join("; ", result.Reasons)}", ct);
            return;
        }
        if (result.Verdict == CanaryAnalysis.Inconclusive)
        {
            var why = $"analysis at {percent}% inconclusive after {settings.MaxExtensions} extension(s): {result.Reasons[0]}";
            if (settings.OnInconclusive == InconclusiveOutcomes.Fail)
            {
                await FinishAsync(rollout, RolloutStates.Failed, $"{why}; failed for want of evidence (on_inconclusive: fail)", ct);
                return;
            }
            passed = $"{why}; passed WITHOUT EVIDENCE (on_inconclusive: pass)";
        }
        else
        {
            passed = $"analysis at {percent}% passed ({result.Reasons[0]})";
        }
        if (rollout.Step == settings.Steps.Count - 1)
        {
            await FinishAsync(rollout, RolloutStates.Succeeded, passed, ct);
            return;
        }
        var next = rollout with { Step = rollout.Step + 1, StepStartTime = Now(), LastUpdateTime = Now(), Extensions = 0 };
        next = next with
        {
            Transitions = [.. rollout.Transitions, new RolloutTransition(Now(), RolloutStates.Running, RolloutPlan.CandidateWeight(next),
                $"{passed}; canary to {RolloutPlan.CandidateWeight(next)}%")],
        };
        using var span = Transition(rollout, RolloutStates.Running, next.Transitions[^1].Reason);
        span?.SetTag("gyre.rollout.weight", RolloutPlan.CandidateWeight(next));
        await ApplyAsync(await store.SaveRolloutAsync(next, ct), ct);
    }

    /// <summary>
    /// Finishes a running rollout on request. Another replica's controller may save the same rollout
    /// between this read and this save (a canary step); the save then conflicts, and the request
    /// reads the rollout again and acts on what it is now.
    /// </summary>
    private async Task<Rollout> ActAsync(string endpointName, long id, Func<Rollout, (string State, string Reason)> act, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var rollout = await store.GetRolloutAsync(endpointName, id, ct);
                if (RolloutStates.IsFinal(rollout.State))
                {
                    throw GyreException.Conflict($"rollout {id} on '{endpointName}' is {rollout.State}; only a running rollout can be changed");
                }
                var (state, reason) = act(rollout);
                try
                {
                    return await FinishAsync(rollout, state, reason, ct);
                }
                catch (GyreException e) when (e.Code == ErrorCode.Conflict && attempt < 5)
                {
                    // Saved meanwhile by another replica: read it again.
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A span for a rollout's transition (<see cref="Diagnostics.GyreTracing"/>): a failed analysis is an error.</summary>
    private static System.Diagnostics.Activity? Transition(Rollout rollout, string state, string reason)
    {
        var span = Diagnostics.GyreTracing.Source.StartActivity("gyre.rollout.transition");
        if (span is not null)
        {
            span.SetTag("gyre.endpoint", rollout.Endpoint);
            span.SetTag("gyre.rollout_id", rollout.Id);
            span.SetTag("gyre.rollout.state", state);
            span.SetTag("gyre.rollout.reason", reason);
            if (state == RolloutStates.Failed)
            {
                span.SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
            }
        }
        return span;
    }

    /// <summary>Records a final state, then applies its variants; on success the followed alias moves to the candidate.</summary>
    private async Task<Rollout> FinishAsync(Rollout rollout, string state, string reason, CancellationToken ct)
    {
        var now = Now();
        var finished = rollout with { State = state, LastUpdateTime = now, StepStartTime = now };
        finished = finished with { Transitions = [.. rollout.Transitions, new RolloutTransition(now, state, RolloutPlan.CandidateWeight(finished), reason)] };
        using var span = Transition(rollout, state, reason);
        finished = await store.SaveRolloutAsync(finished, ct);
        counters.RolloutReached(finished.Endpoint, state);
        // Recorded: from here the change is applied even if the caller goes away.
        await ApplyAsync(finished, CancellationToken.None);
        return finished;
    }

    /// <summary>Gives the endpoint the variants its rollout's record says, and on success makes the candidate what the endpoint follows.</summary>
    private async Task ApplyAsync(Rollout rollout, CancellationToken ct)
    {
        var endpoint = await endpoints.GetEndpointAsync(rollout.Endpoint, ct);
        var model = endpoint.Model;
        var followed = ModelReference.Parse("model", endpoint.Model);
        if (rollout.State == RolloutStates.Succeeded && followed.Alias is null)
        {
            model = $"{rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion}";
        }
        var variants = RolloutPlan.Variants(rollout);
        if (!SameVariants(endpoint.Variants, variants) || model != endpoint.Model || !router.TryGet(rollout.Endpoint, out _))
        {
            await service.SetVariantsAsync(rollout.Endpoint, model, variants, ct);
        }
        if (rollout.State == RolloutStates.Succeeded && followed.Alias is { } alias && followed.Name == rollout.Candidate.ModelName)
        {
            // After the switch, so that the alias never points at a version the endpoint does not serve.
            await registry.SetAliasAsync(followed.Name, alias, rollout.Candidate.ModelVersion, ct);
        }
        await traffic.MarkAsync(rollout.Endpoint, variants.Select(v => v.Name), ct);
    }

    private static bool SameVariants(IReadOnlyList<EndpointVariant> a, IReadOnlyList<EndpointVariant> b) => a.SequenceEqual(b);

    private static string Started(Rollout rollout) => rollout.Strategy switch
    {
        RolloutStrategies.BlueGreen => $"green {rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion} loaded and answered a sample row; switched 100% from blue; blue retained {rollout.Settings.RetentionSeconds} s",
        RolloutStrategies.Canary => $"canary {rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion} at {rollout.Settings.Steps[0]}%, steps {string.Join(", ", rollout.Settings.Steps)}, bake {rollout.Settings.BakeSeconds} s each",
        RolloutStrategies.Shadow => $"shadow {rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion} gets copies of {rollout.Settings.ShadowPercent}% of requests for {rollout.Settings.DurationSeconds} s",
        _ => $"A/B: {rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion} takes {rollout.Settings.CandidateWeight}%, sticky per routing key",
    };

    /// <summary>A rollout the tick could not deal with: logged and counted; the next tick tries again.</summary>
    private void Failed(Rollout rollout, Exception e)
    {
        errors.Count(Workers.Rollouts);
        GyreLog.RolloutFailed(logger, e, rollout.Id, rollout.Endpoint);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose() => _gate.Dispose();
}
