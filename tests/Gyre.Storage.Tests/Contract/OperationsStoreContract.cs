using System.Text.Json.Nodes;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Pipelines.Lineage;
using Gyre.Core.Pipelines.Steps;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Rollouts;
using Gyre.Core.Serving.Traffic;

namespace Gyre.Storage.Tests.Contract;

/// <summary>The behaviour of the stores that run the loop: tokens, endpoints, traffic, monitors, policies, rollouts and lineage.</summary>
public abstract class OperationsStoreContract
{
    protected abstract Task<StoreUnderTest> OpenAsync();

    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task Tokens_AreFoundBySecret_ListedInCreationOrder_AndRevoked()
    {
        await using var s = await OpenAsync();
        var tokens = s.Storage.Tokens;
        var now = s.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var first = await tokens.CreateTokenAsync("ci", TokenScope.Write, null, None);
        var second = await tokens.CreateTokenAsync("dashboard", TokenScope.Read, now - 1, None); // already expired
        var third = await tokens.CreateTokenAsync("ops", TokenScope.Admin, now + 60_000, None);

        Assert.Equal(first.Token, await tokens.FindBySecretAsync(first.Secret, None));
        Assert.Null(await tokens.FindBySecretAsync(first.Secret + "x", None));
        // Equal creation times fall back to the id, so both backends list alike.
        var expected = new[] { first.Token, second.Token, third.Token }.OrderBy(t => t.CreationTime).ThenBy(t => t.Id, StringComparer.Ordinal);
        Assert.Equal(expected, await tokens.ListTokensAsync(None));
        Assert.Equal(2, await tokens.CountActiveTokensAsync(None));

        await tokens.RevokeTokenAsync(third.Token.Id, None);
        Assert.NotNull((await tokens.FindBySecretAsync(third.Secret, None))!.RevokedTime);
        Assert.Equal(1, await tokens.CountActiveTokensAsync(None));
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => tokens.RevokeTokenAsync("tok-missing", None))).Code);
    }

    [SkippableFact]
    public async Task ImportedTokens_AreRegisteredOnce_StayRevoked_AndAreReplacedByANewSecret()
    {
        await using var s = await OpenAsync();
        var tokens = s.Storage.Tokens;
        var secret = new string([.. Enumerable.Range(0, 40).Select(i => "0123456789abcdef"[(i * 7) % 16])]);
        var imported = await tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, secret, None);
        Assert.Equal(imported, await tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, secret, None)); // a restart: the same token
        Assert.Equal(imported, await tokens.FindBySecretAsync(secret, None));
        Assert.Equal(1, await tokens.CountActiveTokensAsync(None));

        // Revoked, it stays revoked however often the file is read again.
        await tokens.RevokeTokenAsync(imported.Id, None);
        Assert.NotNull((await tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, secret, None)).RevokedTime);
        Assert.Equal(0, await tokens.CountActiveTokensAsync(None));

        // A rotated secret is a new token, and the one it replaces stops working.
        var first = await tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, secret.ToUpperInvariant() + "gh", None);
        var rotated = await tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, secret + "xyz", None);
        Assert.NotNull((await tokens.FindBySecretAsync(secret.ToUpperInvariant() + "gh", None))!.RevokedTime);
        Assert.Null(rotated.RevokedTime);
        Assert.NotEqual(first.Id, rotated.Id);
        Assert.Equal(1, await tokens.CountActiveTokensAsync(None));

        // Weak secrets are refused before anything is written.
        Assert.Equal("secret: expected a secret of at least 32 characters, got 7",
            (await Assert.ThrowsAsync<GyreException>(() => tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, "hunter2", None))).Message);
        Assert.StartsWith("secret: expected a random secret",
            (await Assert.ThrowsAsync<GyreException>(() => tokens.ImportTokenAsync("admin-token-file", TokenScope.Admin, new string('a', 64), None))).Message, StringComparison.Ordinal);
        Assert.Equal(1, await tokens.CountActiveTokensAsync(None));
    }

    [SkippableFact]
    public async Task Endpoints_CreateGetUpdateDelete_WithConflictsAndMissingNamed()
    {
        await using var s = await OpenAsync();
        var endpoints = s.Storage.Endpoints;
        var now = s.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var churn = new Endpoint("churn", "churn", "Churn — modèle 日本", "full", [EndpointVariant.Of("churn", 1, 100)], now, now);
        await endpoints.CreateEndpointAsync(churn, None);
        await endpoints.CreateEndpointAsync(churn with { Name = "a-first", Description = null }, None);
        var stored = await endpoints.GetEndpointAsync("churn", None);
        Assert.Equal(churn, stored with { Variants = churn.Variants });
        Assert.Equal(churn.Variants, stored.Variants);
        Assert.Equal(["a-first", "churn"], (await endpoints.ListEndpointsAsync(None)).Select(e => e.Name));
        Assert.Equal(ErrorCode.AlreadyExists, (await Assert.ThrowsAsync<GyreException>(() => endpoints.CreateEndpointAsync(churn, None))).Code);

        s.Time.Advance(TimeSpan.FromMilliseconds(1_234));
        var variants = new[] { EndpointVariant.Of("churn", 1, 90), EndpointVariant.Of("churn", 2, 10) with { Role = VariantRoles.Live } };
        var updated = await endpoints.UpdateEndpointAsync("churn", "churn", variants, None);
        Assert.Equal(variants, updated.Variants);
        Assert.Equal(now + 1_234, updated.LastUpdateTime);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => endpoints.UpdateEndpointAsync("nope", "m", variants, None))).Code);

        await endpoints.DeleteEndpointAsync("churn", None);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => endpoints.GetEndpointAsync("churn", None))).Code);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => endpoints.DeleteEndpointAsync("churn", None))).Code);
    }

    [SkippableFact]
    public async Task Traffic_ReplacesAReplicasInterval_KeepsEachReplicasOwn_ForgetsOldOnes()
    {
        await using var s = await OpenAsync();
        var traffic = s.Storage.Traffic;
        await traffic.SaveAsync("host:1:aa", [
            new("e", "b", new TrafficInterval(20_000, 5, 1, [1, 2, 2])),
            new("e", "a", new TrafficInterval(20_000, 3, 0, [3])),
            new("d", "z", new TrafficInterval(20_000, 1, 0, [1])),
            new("e", "a", new TrafficInterval(10_000, 9, 9, [])),
        ], 0, None);
        // The interval still filling is saved again with more requests; the oldest one falls out.
        await traffic.SaveAsync("host:1:aa", [new("e", "a", new TrafficInterval(20_000, 4, 1, [3, 1]))], 15_000, None);
        // Another replica's count of the same interval is a row of its own, not a replacement.
        await traffic.SaveAsync("host:2:bb", [new("e", "a", new TrafficInterval(20_000, 7, 2, [0, 5]))], 15_000, None);

        var all = await traffic.LoadAsync(null, 0, "", None);
        Assert.Equal(["d/z", "e/a", "e/a", "e/b"], all.Select(t => $"{t.Endpoint}/{t.Variant}"));
        var endpoint = await traffic.LoadAsync("e", 0, "host:2:bb", None);
        Assert.Equal(["e/a", "e/b"], endpoint.Select(t => $"{t.Endpoint}/{t.Variant}"));
        Assert.Equal([3L, 1], endpoint[0].Interval.LatencyBins);
        Assert.Equal(4, endpoint[0].Interval.Requests);
        var others = await traffic.LoadAsync("e", 0, "host:1:aa", None);
        Assert.Equal((7L, 2L), (Assert.Single(others).Interval.Requests, others[0].Interval.Errors));
        Assert.Empty(await traffic.LoadAsync(null, 20_001, "", None));
    }

    [SkippableFact]
    public async Task Policies_AndTheirFirings_RoundTrip_NewestFiringFirst()
    {
        await using var s = await OpenAsync();
        var policies = s.Storage.Policies;
        var policy = new StoredPolicy("retrain-on-drift", "name: retrain-on-drift\n", 1_000, null, 0, "tok-1", TokenScope.Admin);
        await policies.SavePolicyAsync(policy, None);
        await policies.SavePolicyAsync(policy with { Yaml = "name: retrain-on-drift # ü\n" }, None);
        Assert.Equal("name: retrain-on-drift # ü\n", (await policies.GetPolicyAsync(policy.Name, None))!.Yaml);

        var fired = policy with { LastFiring = 2_000, LastWindowSeen = 7 };
        var first = await policies.AddFiringAsync(new PolicyFiring(0, policy.Name, "churn", 2_000, ["drift in 3 of 5 columns"],
            [new ActionOutcome("retrain", "churn-pipeline", false, "queued", Pending: true)]), fired, None);
        var second = await policies.AddFiringAsync(first with { Id = 0, Time = 3_000 }, fired with { LastFiring = 3_000 }, None);
        Assert.True(second.Id > first.Id);
        Assert.Equal(fired with { LastFiring = 3_000 }, await policies.GetPolicyAsync(policy.Name, None));

        await policies.SetActionOutcomeAsync(first.Id, 0, new ActionOutcome("retrain", "churn-pipeline", true, "run 4"), None);
        var firings = await policies.ListFiringsAsync(policy.Name, 10, None);
        Assert.Equal([second.Id, first.Id], firings.Select(f => f.Id));
        Assert.Equal(new ActionOutcome("retrain", "churn-pipeline", true, "run 4"), firings[1].Actions[0]);
        Assert.Equal(["drift in 3 of 5 columns"], firings[1].Evidence);

        Assert.True(await policies.DeletePolicyAsync(policy.Name, None));
        Assert.False(await policies.DeletePolicyAsync(policy.Name, None));
        Assert.Null(await policies.GetPolicyAsync(policy.Name, None));
    }

    [SkippableFact]
    public async Task Lineage_KeepsOneArtifactPerUri_AndWalksBothWays()
    {
        await using var s = await OpenAsync();
        var lineage = s.Storage.Lineage;
        var data = new PipelineArtifact("data", "dataset", "gyre-datasets:/churn/3", "sha256:aa", new JsonObject { ["rows"] = 1000 });
        var model = new PipelineArtifact("model", "model", "gyre-models:/churn/2", "sha256:bb");
        var train = Execution(1, "train");
        var trainId = await lineage.RecordAsync(train, [data], [model], None);
        var evaluateId = await lineage.RecordAsync(Execution(1, "evaluate"), [data, model], [], None);

        var dataArtifact = (await lineage.FindArtifactAsync(data.Uri, None))!;
        Assert.Equal(1000, dataArtifact.Properties!["rows"]!.GetValue<int>());
        Assert.Null(await lineage.FindArtifactAsync("gyre-datasets:/other/1", None));

        var readers = await lineage.EventsOfArtifactsAsync([dataArtifact.Id], LineageEvent.Input, None);
        Assert.Equal([trainId, evaluateId], readers.Select(e => e.ExecutionId).Order());
        var produced = await lineage.EventsOfExecutionsAsync([trainId], LineageEvent.Output, None);
        var modelArtifact = Assert.Single(await lineage.GetArtifactsAsync([Assert.Single(produced).ArtifactId], None));
        Assert.Equal(model.Uri, modelArtifact.Uri);
        var storedTrain = Assert.Single(await lineage.GetExecutionsAsync([trainId], None));
        Assert.Equal(train with { Id = trainId }, storedTrain with { Parameters = train.Parameters });
        Assert.Equal(train.Parameters.ToJsonString(), storedTrain.Parameters.ToJsonString());
        Assert.Empty(await lineage.EventsOfArtifactsAsync([], LineageEvent.Input, None));
    }

    [SkippableFact]
    public async Task Monitors_MoveOnWithTheirWindows_NewestWindowFirst()
    {
        await using var s = await OpenAsync();
        var monitors = s.Storage.Monitors;
        var monitor = new EndpointMonitorState("churn", new MonitorSettings(WindowPredictions: 500), 1_000, 1_000);
        await monitors.SaveMonitorAsync(monitor, None);
        await monitors.SaveMonitorAsync(monitor with { Settings = new MonitorSettings(WindowPredictions: 1_000) }, None);
        Assert.Equal(1_000, (await monitors.GetMonitorAsync("churn", None))!.Settings.WindowPredictions);

        var report = new DriftReport("reference", "window", [new ColumnDrift("age", "num", "ks", 0.31, 1e-9, 0.05, true, 1_000, 1_000, Exact: true)], 1, 1.0, 0.5, true);
        var first = await monitors.AddWindowAsync(new DriftWindow(0, "churn", 1_000, 5_000, 1_000, "churn@3", report, null, 1, false), None);
        var second = await monitors.AddWindowAsync(first with { Id = 0, Start = 5_000, End = 9_000, Streak = 2, Alarm = true }, None);
        // The monitor moved on in the same transaction as each window.
        Assert.Equal(9_000, (await monitors.GetMonitorAsync("churn", None))!.NextWindowStart);
        var windows = await monitors.ListWindowsAsync("churn", 10, None);
        Assert.Equal([second.Id, first.Id], windows.Select(w => w.Id));
        Assert.True(windows[0].Alarm);
        Assert.Equal(1e-9, windows[1].Data.Columns[0].PValue);
        Assert.Equal(["churn"], (await monitors.ListMonitorsAsync(None)).Select(m => m.Endpoint));
        Assert.True(await monitors.DeleteMonitorAsync("churn", None));
        Assert.Null(await monitors.GetMonitorAsync("churn", None));
    }

    [SkippableFact]
    public async Task Rollouts_OneRunningPerEndpoint_LatestPerEndpointListed()
    {
        await using var s = await OpenAsync();
        var rollouts = s.Storage.Rollouts;
        var settings = new RolloutSettings([10, 50, 100], 60, 100, 0.01, 1.5, 0, 0.02, 0, 10, 3_600, 600);
        var canary = new Rollout(0, "churn", "canary", "running", new RolloutVariant("churn-v1", "churn", 1), new RolloutVariant("churn-v2", "churn", 2),
            settings, 0, 1_000, 1_000, 1_000, [new RolloutTransition(1_000, "running", 10, "started")]);
        var started = await rollouts.CreateRolloutAsync(canary, None);
        var conflict = await Assert.ThrowsAsync<GyreException>(() => rollouts.CreateRolloutAsync(canary, None));
        Assert.Equal(ErrorCode.Conflict, conflict.Code);
        Assert.Equal(started.Id, (await rollouts.GetRunningAsync("churn", None))!.Id);

        // A save is made over the revision it read: a second writer holding the same read conflicts and writes nothing.
        var stepped = await rollouts.SaveRolloutAsync(started with { Step = 1 }, None);
        Assert.Equal(started.Revision + 1, stepped.Revision);
        var stale = await Assert.ThrowsAsync<GyreException>(() => rollouts.SaveRolloutAsync(started with { State = "aborted" }, None));
        Assert.Equal(ErrorCode.Conflict, stale.Code);
        Assert.Contains($"rollout {started.Id} on endpoint 'churn' changed meanwhile", stale.Message, StringComparison.Ordinal);
        Assert.Equal(("running", 1), ((await rollouts.GetRolloutAsync("churn", started.Id, None)).State, (await rollouts.GetRolloutAsync("churn", started.Id, None)).Step));
        Assert.Equal(stepped.Revision, (await rollouts.GetRolloutAsync("churn", started.Id, None)).Revision);

        await rollouts.SaveRolloutAsync(stepped with { State = "succeeded", Step = 2 }, None);
        Assert.Null(await rollouts.GetRunningAsync("churn", None));
        var next = await rollouts.CreateRolloutAsync(canary with { Candidate = new RolloutVariant("churn-v3", "churn", 3) }, None);
        var other = await rollouts.CreateRolloutAsync(canary with { Endpoint = "fraud" }, None);
        Assert.Equal([next.Id, other.Id], (await rollouts.ListLatestAsync(None)).Select(r => r.Id));
        Assert.Equal([started.Id, next.Id], (await rollouts.ListRolloutsAsync("churn", None)).Select(r => r.Id).Order());
        Assert.Equal("succeeded", (await rollouts.GetRolloutAsync("churn", started.Id, None)).State);
        Assert.Equal(ErrorCode.NotFound, (await Assert.ThrowsAsync<GyreException>(() => rollouts.GetRolloutAsync("fraud", started.Id, None))).Code);
    }

    [SkippableFact]
    public async Task TrafficTotals_ArePublishedPerReplica_ReadPerEndpoint_AndForgottenWhenStale()
    {
        await using var s = await OpenAsync();
        var totals = s.Storage.TrafficTotals;
        var bins = new long[LatencyBins.Count];
        bins[3] = 7;
        var counts = new TrafficCounts(10, 2, 4, 3, bins);
        await totals.PublishAsync("host:1:aa", [new VariantTotals("host:1:aa", "churn", "churn-v2", counts), new VariantTotals("host:1:aa", "fraud", "fraud-v1", counts)], 1_000, None);
        await totals.PublishAsync("host:2:bb", [new VariantTotals("host:2:bb", "churn", "churn-v2", counts with { Requests = 5 })], 2_000, None);
        // A replica's next publication replaces its row.
        await totals.PublishAsync("host:1:aa", [new VariantTotals("host:1:aa", "churn", "churn-v2", counts with { Requests = 12 })], 3_000, None);

        var churn = await totals.ReadAsync("churn", None);
        Assert.Equal([("host:1:aa", 12L), ("host:2:bb", 5L)], churn.Select(t => (t.Replica, t.Counts.Requests)));
        Assert.Equal((2L, 4L, 3L, 7L), (churn[0].Counts.Errors, churn[0].Counts.Compared, churn[0].Counts.Agreed, churn[0].Counts.Latencies[3]));
        await totals.ForgetAsync(2_500, None);
        Assert.Equal(["host:1:aa"], (await totals.ReadAsync("churn", None)).Select(t => t.Replica));
        Assert.Empty(await totals.ReadAsync("fraud", None));
    }

    private static LineageExecution Execution(long run, string step) =>
        new(0, run, "churn", step, "train", "succeeded", "sha256:code", new JsonObject { ["lr"] = 0.1 }, null, 1_000, 2_000);
}
