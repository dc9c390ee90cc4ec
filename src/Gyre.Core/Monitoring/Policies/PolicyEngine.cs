using System.Globalization;
using System.Net.Http.Json;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Endpoints;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Rollouts;

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// Evaluates policies every tick of the server: each condition is checked against the endpoint's
/// latest drift window (a window counts once: it is not evidence again after a cool-down), its
/// online metric over labelled predictions, its error rate and its traffic. A policy whose
/// conditions hold and whose cool-down has passed fires: its actions run in order and the firing is
/// recorded with the evidence and each action's outcome.
/// </summary>
public sealed class PolicyEngine(
    IPolicyStore store, IEndpointStore endpoints, IMonitorStore monitors, IPredictionLog log, VariantWindows windows,
    PipelineService pipelines, RolloutController rollouts, IRolloutStore rolloutRecords, HttpClient http, TimeProvider time)
{
    private readonly ErrorRates _errors = new();

    /// <summary>Told when a policy could not be evaluated (the server logs it); the next tick tries again.</summary>
    public Action<string, Exception>? Failures { get; set; }

    public async Task<StoredPolicy> ApplyAsync(string yaml, CancellationToken ct)
    {
        var definition = PolicyYaml.Parse(yaml);
        await endpoints.GetEndpointAsync(definition.Endpoint, ct);
        var existing = await store.GetPolicyAsync(definition.Name, ct);
        // Windows checked before the policy existed are not evidence for it.
        var latest = await LatestWindowAsync(definition.Endpoint, ct) is { } w ? w.Id : 0;
        var stored = new StoredPolicy(definition.Name, yaml, existing?.CreationTime ?? Now(), existing?.LastFiring, existing?.LastWindowSeen ?? latest);
        await store.SavePolicyAsync(stored, ct);
        return stored;
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
        _errors.Sample(windows, Now());
        foreach (var policy in await store.ListPoliciesAsync(ct))
        {
            try
            {
                await EvaluateAsync(policy, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Failures?.Invoke(policy.Name, e);
            }
        }
    }

    private async Task EvaluateAsync(StoredPolicy policy, CancellationToken ct)
    {
        var definition = PolicyYaml.Parse(policy.Yaml);
        var now = Now();
        var window = await LatestWindowAsync(definition.Endpoint, ct);
        var fresh = window is not null && window.Id > policy.LastWindowSeen ? window : null;
        var evidence = new List<string>();
        var held = 0;
        foreach (var condition in definition.Conditions)
        {
            if (await HoldsAsync(definition.Endpoint, condition, fresh, now, ct) is { } why)
            {
                held++;
                evidence.Add(why);
            }
        }
        var state = policy with { LastWindowSeen = window?.Id ?? policy.LastWindowSeen };
        var fires = definition.All ? held == definition.Conditions.Count : held > 0;
        var cooling = policy.LastFiring is { } last && now - last < definition.CooldownSeconds * 1000;
        if (!fires || cooling)
        {
            if (state != policy)
            {
                await store.SavePolicyAsync(state, ct);
            }
            return;
        }
        var outcomes = new List<ActionOutcome>();
        foreach (var action in definition.Actions)
        {
            outcomes.Add(await RunAsync(definition, action, evidence, now, ct));
        }
        await store.AddFiringAsync(new PolicyFiring(0, definition.Name, definition.Endpoint, now, evidence, outcomes), state with { LastFiring = now }, ct);
    }

    /// <summary>Why the condition holds, or null.</summary>
    private async Task<string?> HoldsAsync(string endpoint, PolicyCondition condition, DriftWindow? fresh, long now, CancellationToken ct)
    {
        switch (condition.Kind)
        {
            case PolicyKinds.DatasetDrift when fresh is { Data.DatasetDrift: true }:
                return $"drift window {fresh.Id} ({fresh.Predictions} predictions): {fresh.Data.DriftedColumns} of {fresh.Data.Columns.Count} features drifted "
                    + $"({string.Join(", ", fresh.Data.Columns.Where(c => c.Drifted).Select(c => c.Column))})";
            case PolicyKinds.FeatureDrift when fresh?.Data.Columns.Concat(fresh.Prediction is { } p ? [p] : []).FirstOrDefault(c => c.Column == condition.Feature) is { } column
                && column.Statistic > condition.Value:
                return string.Create(CultureInfo.InvariantCulture, $"drift window {fresh.Id}: {column.Column} {column.Test} = {column.Statistic:G4} above {condition.Value}");
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
            case PolicyKinds.ErrorRate when _errors.Rate(endpoint, now - (long)(condition.Seconds * 1000)) is var (rate, requests) && requests > 0 && rate > condition.Value:
                return string.Create(CultureInfo.InvariantCulture, $"error rate {rate:P1} over {requests} requests is above {condition.Value}");
            case PolicyKinds.NoTraffic:
                var (recent, _) = await log.QueryAsync(endpoint, now - (long)(condition.Seconds * 1000), now + 1, 1, null, ct);
                return recent.Count == 0 ? string.Create(CultureInfo.InvariantCulture, $"no prediction in the last {condition.Seconds} s") : null;
            default:
                return null;
        }
    }

    private async Task<ActionOutcome> RunAsync(PolicyDefinition policy, PolicyAction action, IReadOnlyList<string> evidence, long now, CancellationToken ct)
    {
        try
        {
            switch (action.Kind)
            {
                case PolicyKinds.RunPipeline:
                    var run = await pipelines.StartRunAsync(action.Target!, new RunTrigger(TriggerTypes.Alert, $"policy {policy.Name}: {string.Join("; ", evidence)}"), null, false, null, ct);
                    return new ActionOutcome(action.Kind, action.Target, true, $"run {run.Id} {run.State}");
                case PolicyKinds.Rollback:
                    if (await rolloutRecords.GetRunningAsync(policy.Endpoint, ct) is not { } running)
                    {
                        return new ActionOutcome(action.Kind, policy.Endpoint, true, "no rollout running; nothing to roll back");
                    }
                    var aborted = await rollouts.AbortAsync(policy.Endpoint, running.Id, ct);
                    return new ActionOutcome(action.Kind, policy.Endpoint, true, $"rollout {aborted.Id} {aborted.State}: traffic back on {aborted.Stable.ModelName}/{aborted.Stable.ModelVersion}");
                default:
                    return await WebhookAsync(policy, action, evidence, now, ct);
            }
        }
        catch (GyreException e)
        {
            return new ActionOutcome(action.Kind, action.Target, false, e.Message);
        }
    }

    /// <summary>POSTs the firing as JSON; retries a failure or a 5xx with a doubling delay from 1 s.</summary>
    private async Task<ActionOutcome> WebhookAsync(PolicyDefinition policy, PolicyAction action, IReadOnlyList<string> evidence, long now, CancellationToken ct)
    {
        var body = new { policy = policy.Name, endpoint = policy.Endpoint, time = DateTimeOffset.FromUnixTimeMilliseconds(now).ToString("O", CultureInfo.InvariantCulture), evidence };
        var detail = "";
        for (var attempt = 0; attempt <= action.Retries; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)), time, ct);
            }
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                using var response = await http.PostAsJsonAsync(action.Target, body, timeout.Token);
                detail = $"HTTP {(int)response.StatusCode} after {attempt + 1} attempt(s)";
                if ((int)response.StatusCode < 500)
                {
                    return new ActionOutcome(action.Kind, action.Target, response.IsSuccessStatusCode, detail);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                detail = $"{e.Message} after {attempt + 1} attempt(s)";
            }
        }
        return new ActionOutcome(action.Kind, action.Target, false, detail);
    }

    private async Task<DriftWindow?> LatestWindowAsync(string endpoint, CancellationToken ct) =>
        await monitors.ListWindowsAsync(endpoint, 1, ct) is [var latest, ..] ? latest : null;

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
