using System.Globalization;
using Gyre.Core.Auth;
using Gyre.Core.Background;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Sequential;
using Gyre.Core.Monitoring.Webhooks;
using Gyre.Core.Pipelines.Definitions;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Serving.Traffic;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// Evaluates policies every tick of the server: each condition is checked against the endpoint's
/// latest drift window (a window counts once: it is not evidence again after a cool-down), its
/// online metric over labelled predictions, its error rate and its traffic. A policy whose
/// conditions hold and whose cool-down has passed fires: its actions run in order and the firing is
/// recorded with the evidence and each action's outcome; webhooks are handed to the
/// <see cref="WebhookDispatcher"/> once the firing is recorded, so no destination can hold up the
/// loop. A policy acts with its author's scope: it may start only the pipelines its author could.
/// </summary>
public sealed class PolicyEngine(
    IPolicyStore store, IEndpointStore endpoints, IMonitorStore monitors, IPredictionLog log, TrafficView traffic,
    PipelineService pipelines, RolloutController rollouts, IRolloutStore rolloutRecords, WebhookDispatcher webhooks, TimeProvider time,
    BackgroundErrors errors, ILogger<PolicyEngine> logger)
{


    /// <summary>
    /// Saves a policy with its author, who must be allowed to start every pipeline it names
    /// (permission_denied otherwise). Saving again enables a policy that was disabled.
    /// </summary>
    public async Task<StoredPolicy> ApplyAsync(string yaml, PolicyAuthor author, CancellationToken ct)
    {
        var definition = PolicyYaml.Parse(yaml);
        await endpoints.GetEndpointAsync(definition.Endpoint, ct);
        for (var i = 0; i < definition.Actions.Count; i++)
        {
            if (definition.Actions[i] is { Kind: PolicyKinds.RunPipeline, Target: { } pipeline }
                && await RequiredScopeAsync(pipeline, ct) is { } needed && needed > author.Scope)
            {
                throw new GyreException(ErrorCode.PermissionDenied, $"then[{i}].run_pipeline: {Beyond(pipeline, needed, author.Scope)}");
            }
        }
        var existing = await store.GetPolicyAsync(definition.Name, ct);
        // Windows checked before the policy existed are not evidence for it.
        var latest = await LatestWindowAsync(definition.Endpoint, ct) is { } w ? w.Id : 0;
        var stored = new StoredPolicy(definition.Name, yaml, existing?.CreationTime ?? Now(), existing?.LastFiring, existing?.LastWindowSeen ?? latest,
            author.Token, author.Scope);
        await store.SavePolicyAsync(stored, ct);
        return stored;
    }

    /// <summary>
    /// After <paramref name="pipeline"/> was saved needing <paramref name="required"/>: disables, with
    /// the reason, every policy that starts it and whose author had less.
    /// </summary>
    public async Task DisableUnauthorisedAsync(string pipeline, TokenScope required, CancellationToken ct)
    {
        foreach (var policy in await store.ListPoliciesAsync(ct))
        {
            if (policy.Disabled is null && policy.AuthorScope < required
                && PolicyYaml.Parse(policy.Yaml).Actions.Any(a => a.Kind == PolicyKinds.RunPipeline && a.Target == pipeline))
            {
                await store.SavePolicyAsync(policy with { Disabled = Beyond(pipeline, required, policy.AuthorScope) }, ct);
            }
        }
    }

    public async Task<StoredPolicy> GetAsync(string name, CancellationToken ct) =>
        await store.GetPolicyAsync(name, ct) ?? throw GyreException.NotFound($"policy '{name}' does not exist");

    public Task<IReadOnlyList<StoredPolicy>> ListAsync(CancellationToken ct) => store.ListPoliciesAsync(ct);

    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        if (!await store.DeletePolicyAsync(name, ct))
        {
            throw GyreException.NotFound($"policy '{name}' does not exist");
        }
    }

    public async Task<IReadOnlyList<PolicyFiring>> FiringsAsync(string name, int limit, CancellationToken ct)
    {
        await GetAsync(name, ct);
        return await store.ListFiringsAsync(name, limit, ct);
    }

    public async Task TickAsync(CancellationToken ct)
    {
        foreach (var policy in await store.ListPoliciesAsync(ct))
        {
            try
            {
                await EvaluateAsync(policy, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors.Count(Workers.Policies);
                GyreLog.PolicyFailed(logger, e, policy.Name);
            }
        }
    }

    private async Task EvaluateAsync(StoredPolicy policy, CancellationToken ct)
    {
        if (policy.Disabled is not null)
        {
            return;
        }
        var definition = PolicyYaml.Parse(policy.Yaml);
        var now = Now();
        // Every window the policy has not seen yet, oldest first (a monitor catching up checks several
        // at once): each is evidence once, and the first that makes the policy fire is the one it names.
        var fresh = (await monitors.ListWindowsAsync(definition.Endpoint, MaxFreshWindows, ct))
            .Where(w => w.Id > policy.LastWindowSeen).OrderBy(w => w.Id).ToList();
        var state = policy with { LastWindowSeen = fresh is [.., var newest] ? newest.Id : policy.LastWindowSeen };
        var cooling = policy.LastFiring is { } last && now - last < definition.CooldownSeconds * 1000;
        if (!cooling)
        {
            foreach (var window in fresh.Count == 0 ? [null] : fresh.Cast<DriftWindow?>())
            {
                var evidence = new List<string>();
                DriftAlarm? alarm = null;
                foreach (var condition in definition.Conditions)
                {
                    if (await HoldsAsync(definition.Endpoint, condition, window, now, ct) is { } why)
                    {
                        evidence.Add(why);
                        alarm ??= Alarm(condition, window);
                    }
                }
                if (definition.All ? evidence.Count == definition.Conditions.Count : evidence.Count > 0)
                {
                    await FireAsync(state, definition, evidence, alarm, now, ct);
                    return;
                }
            }
        }
        if (state != policy)
        {
            await store.SavePolicyAsync(state, ct);
        }
    }

    /// <summary>Runs the actions in order and records the firing with the policy's new state; then hands its webhooks over.</summary>
    private async Task FireAsync(StoredPolicy state, PolicyDefinition definition, IReadOnlyList<string> evidence, DriftAlarm? alarm, long now, CancellationToken ct)
    {
        var outcomes = new List<ActionOutcome>();
        var authorScope = state.AuthorScope;
        foreach (var action in definition.Actions)
        {
            // Checked again as it fires: the pipeline may have changed since the policy was saved.
            if (action.Kind == PolicyKinds.RunPipeline && await RequiredScopeAsync(action.Target!, ct) is { } needed && needed > authorScope)
            {
                var refused = Beyond(action.Target!, needed, authorScope);
                outcomes.Add(new ActionOutcome(action.Kind, action.Target, false, refused));
                state = state with { Disabled = state.Disabled ?? refused };
                continue;
            }
            outcomes.Add(await RunAsync(definition, action, evidence, alarm, ct));
        }
        var firing = await store.AddFiringAsync(new PolicyFiring(0, definition.Name, definition.Endpoint, now, evidence, outcomes), state with { LastFiring = now }, ct);
        var body = new { policy = definition.Name, endpoint = definition.Endpoint, time = DateTimeOffset.FromUnixTimeMilliseconds(now).ToString("O", CultureInfo.InvariantCulture), evidence };
        for (var i = 0; i < definition.Actions.Count; i++)
        {
            if (outcomes[i].Pending && !webhooks.TryEnqueue(new WebhookDelivery(firing.Id, i, definition.Actions[i].Target!, body, definition.Actions[i].Retries)))
            {
                await store.SetActionOutcomeAsync(firing.Id, i, outcomes[i] with { Pending = false, Detail = "not delivered: too many webhooks are waiting" }, ct);
            }
        }
    }

    /// <summary>Why the condition holds, or null.</summary>
    private async Task<string?> HoldsAsync(string endpoint, PolicyCondition condition, DriftWindow? fresh, long now, CancellationToken ct)
    {
        switch (condition.Kind)
        {
            case PolicyKinds.DatasetDrift when fresh is { Alarm: true }:
                return $"drift alarm at window {fresh.Id} ({fresh.Predictions} predictions; {fresh.Streak} drifted window{(fresh.Streak == 1 ? "" : "s")} in a row): {fresh.Data.DriftedColumns} of {fresh.Data.Columns.Count} features drifted "
                    + $"({string.Join(", ", fresh.Data.Columns.Where(c => c.Drifted).Select(c => c.Column))})";
            case PolicyKinds.FeatureDrift when fresh?.Data.Columns.Concat(fresh.Prediction is { } p ? [p] : []).FirstOrDefault(c => c.Column == condition.Feature) is { } column
                && column.Statistic > condition.Value:
                return string.Create(CultureInfo.InvariantCulture, $"drift window {fresh.Id}: {column.Column} {column.Test} = {column.Statistic:G4} above {condition.Value}");
            case PolicyKinds.SequentialDrift when SequentialHit(condition, fresh) is var (point, hit):
                return string.Create(CultureInfo.InvariantCulture, $"sequential alarm at window {fresh!.Id}: {point.Statistic} ({point.Measure}) went {hit.Direction}; ")
                    + string.Create(CultureInfo.InvariantCulture, $"{hit.Detector} {hit.Statistic:G4} above {hit.Threshold}, the change estimated to begin at {DateTimeOffset.FromUnixTimeMilliseconds(hit.ChangeStart):O}");
            case PolicyKinds.MultivariateDrift when fresh?.Multivariate is { } multivariate && multivariate.AnyDrift:
                var found = new List<string>();
                if (multivariate is { Drifted: true, Statistic: { } error })
                {
                    found.Add(string.Create(CultureInfo.InvariantCulture, $"mean PCA reconstruction error {error:0.####} outside the reference's band [{multivariate.Lower:0.####}, {multivariate.Upper:0.####}]"));
                }
                if (multivariate.Classifier is { Drifted: true } classifier)
                {
                    found.Add(string.Create(CultureInfo.InvariantCulture, $"a domain classifier tells the window from the reference with ROC AUC {classifier.Auc:0.###} above {classifier.Threshold}"));
                }
                return $"multivariate drift at window {fresh.Id} over {string.Join(", ", multivariate.Columns ?? [])}: {string.Join("; ", found)}";
            case PolicyKinds.FeatureSkew when fresh?.Skew?.Features.FirstOrDefault(f => (condition.Feature is null || f.Feature == condition.Feature) && f.Rate > condition.Value) is { } skewed:
                return string.Create(CultureInfo.InvariantCulture,
                    $"training/serving skew at window {fresh.Id}: {skewed.Group}:{skewed.Feature} differed from the offline store in {skewed.Mismatches} of {skewed.Compared} sampled predictions ({skewed.Rate:P1}), above {condition.Value:P1}")
                    + (skewed.Example is { } e ? $"; e.g. {e.PredictionId} served {e.Served}, offline {e.Offline ?? "none"}" : "");
            case PolicyKinds.Estimated when fresh?.Performance?.Metrics?.TryGetValue(condition.Metric!, out var estimate) == true
                && (condition.Below ? estimate < condition.Value : estimate > condition.Value):
                return string.Create(CultureInfo.InvariantCulture,
                    $"estimated {condition.Metric} {estimate:0.####} (CBPE, no labels) at window {fresh.Id} ({fresh.Performance.Rows} predictions) is {(condition.Below ? "below" : "above")} {condition.Value}");
            case PolicyKinds.Metric:
                var rows = await log.LabelledAsync(endpoint, now - (long)(condition.Seconds * 1000), ct);
                var metric = OnlineMetrics.Of("all", rows);
                if (metric.Metric == condition.Metric && metric.Value is { } value && metric.Labelled >= condition.MinLabelled
                    && (condition.Below ? value < condition.Value : value > condition.Value))
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"online {metric.Metric} {value:0.####} over {metric.Labelled} labelled predictions is {(condition.Below ? "below" : "above")} {condition.Value}");
                }
                return null;
            case PolicyKinds.ErrorRate:
                var (requests, errors) = await traffic.RecentAsync(endpoint, now, now - (long)(condition.Seconds * 1000), ct);
                return requests > 0 && (double)errors / requests > condition.Value
                    ? string.Create(CultureInfo.InvariantCulture, $"error rate {(double)errors / requests:P1} over {requests} requests is above {condition.Value}")
                    : null;
            case PolicyKinds.NoTraffic:
                var (recent, _) = await log.QueryAsync(endpoint, now - (long)(condition.Seconds * 1000), now + 1, 1, null, ct);
                return recent.Count == 0 ? string.Create(CultureInfo.InvariantCulture, $"no prediction in the last {condition.Seconds} s") : null;
            default:
                return null;
        }
    }

    /// <summary>The first sequential alarm in the window that the condition names (any, or its statistic's).</summary>
    private static (SequentialPoint Point, SequentialAlarm Alarm)? SequentialHit(PolicyCondition condition, DriftWindow? window) =>
        window?.SequentialAlarms().Where(a => condition.Feature is null || a.Point.Statistic == condition.Feature)
            .Select(a => ((SequentialPoint, SequentialAlarm)?)a).FirstOrDefault();

    /// <summary>
    /// The drift alarm a pipeline started by this condition is told about: the window, and where the
    /// new world starts — the window itself for a data-set alarm, the estimated change point for a
    /// sequential one (a creep began before the window that confirmed it).
    /// </summary>
    private static DriftAlarm? Alarm(PolicyCondition condition, DriftWindow? window)
    {
        if (window is null)
        {
            return null;
        }
        if (condition.Kind == PolicyKinds.SequentialDrift && SequentialHit(condition, window) is var (_, hit))
        {
            var statistics = window.SequentialAlarms().Select(a => a.Point.Statistic).Where(s => s != WindowStatistics.PredictionColumn).Distinct();
            return new DriftAlarm(window.Endpoint, window.Id, hit.ChangeStart, window.End, [.. statistics]);
        }
        if (condition.Kind == PolicyKinds.MultivariateDrift)
        {
            return new DriftAlarm(window.Endpoint, window.Id, window.Start, window.End, window.Multivariate?.Columns ?? []);
        }
        return condition.Kind is PolicyKinds.DatasetDrift or PolicyKinds.FeatureDrift
            ? new DriftAlarm(window.Endpoint, window.Id, window.Start, window.End, [.. window.Data.Columns.Where(c => c.Drifted).Select(c => c.Column)])
            : null;
    }

    private async Task<ActionOutcome> RunAsync(PolicyDefinition definition, PolicyAction action, IReadOnlyList<string> evidence, DriftAlarm? alarm, CancellationToken ct)
    {
        try
        {
            switch (action.Kind)
            {
                case PolicyKinds.RunPipeline:
                    var trigger = new RunTrigger(TriggerTypes.Alert, $"policy {definition.Name}: {string.Join("; ", evidence)}", alarm);
                    var run = await pipelines.StartRunAsync(action.Target!, trigger, null, false, null, ct);
                    return new ActionOutcome(action.Kind, action.Target, true, $"run {run.Id} {run.State}");
                case PolicyKinds.Rollback:
                    if (await rolloutRecords.GetRunningAsync(definition.Endpoint, ct) is not { } running)
                    {
                        return new ActionOutcome(action.Kind, definition.Endpoint, true, "no rollout running; nothing to roll back");
                    }
                    var aborted = await rollouts.AbortAsync(definition.Endpoint, running.Id, ct);
                    return new ActionOutcome(action.Kind, definition.Endpoint, true, $"rollout {aborted.Id} {aborted.State}: traffic back on {aborted.Stable.ModelName}/{aborted.Stable.ModelVersion}");
                default:
                    return new ActionOutcome(action.Kind, action.Target, false, "queued", Pending: true);
            }
        }
        catch (GyreException e)
        {
            return new ActionOutcome(action.Kind, action.Target, false, e.Message);
        }
    }

    /// <summary>The scope starting <paramref name="pipeline"/> needs; null when there is no such pipeline (yet).</summary>
    private async Task<TokenScope?> RequiredScopeAsync(string pipeline, CancellationToken ct)
    {
        try
        {
            return PipelineYaml.Parse((await pipelines.GetPipelineAsync(pipeline, ct)).Yaml, pipelines.Types).RequiredScope;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    private static string Beyond(string pipeline, TokenScope needed, TokenScope author) =>
        $"pipeline '{pipeline}' runs programs or reads files on the server and needs {Name(needed)}; the policy acts with its author's scope, {Name(author)}";

    private static string Name(TokenScope scope) => scope.ToString().ToLowerInvariant();

    /// <summary>How many of an endpoint's newest windows a tick looks through for ones the policy has not seen.</summary>
    private const int MaxFreshWindows = 100;

    private async Task<DriftWindow?> LatestWindowAsync(string endpoint, CancellationToken ct) =>
        await monitors.ListWindowsAsync(endpoint, 1, ct) is [var latest, ..] ? latest : null;

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
