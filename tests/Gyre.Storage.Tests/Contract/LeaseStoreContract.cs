using Gyre.Core.Coordination;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Runs;
using Gyre.Core.Serving.Endpoints;
using Gyre.Storage.Coordination;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// Leases on both backends: one holder at a time while a lease runs, renewals that keep its epoch, a
/// takeover once it has run out (by the database's clock) that raises the epoch, and a fenced write of
/// the old holder refused inside its own transaction, whichever store makes it; singletons that run
/// on the holder only; and the routing version every endpoint write raises.
/// </summary>
public abstract class LeaseStoreContract
{
    private static readonly CancellationToken None = CancellationToken.None;

    protected abstract Task<StoreUnderTest> OpenAsync();

    [SkippableFact]
    public async Task ALease_HasOneHolderWhileItRuns_AndIsRenewedAtItsEpoch()
    {
        await using var s = await OpenAsync();
        var leases = s.Storage.Leases;
        var a = await leases.AcquireAsync("rollouts", "replica-a", TimeSpan.FromMinutes(1), None);
        Assert.NotNull(a);
        Assert.Equal(1, a.Epoch);
        Assert.Null(await leases.AcquireAsync("rollouts", "replica-b", TimeSpan.FromMinutes(1), None));
        Assert.NotNull(await leases.AcquireAsync("monitor:churn", "replica-b", TimeSpan.FromMinutes(1), None));

        var again = await leases.AcquireAsync("rollouts", "replica-a", TimeSpan.FromMinutes(2), None);
        Assert.Equal(1, again!.Epoch);
        Assert.True(again.ExpiresAt > a.ExpiresAt);
        Assert.True(await leases.RenewAsync(a, TimeSpan.FromMinutes(1), None));
        Assert.True(await leases.HoldsAsync(a, None));
    }

    [SkippableFact]
    public async Task ALeaseThatRanOut_IsTakenOverWithAGreaterEpoch_AndItsOldHolderIsFencedOff()
    {
        await using var s = await OpenAsync();
        var leases = s.Storage.Leases;
        var a = (await leases.AcquireAsync("rollouts", "replica-a", TimeSpan.FromMilliseconds(200), None))!;
        // The database's clock decides: the test's own clock (a fake, standing still) plays no part.
        await Task.Delay(400);
        var b = await leases.AcquireAsync("rollouts", "replica-b", TimeSpan.FromMinutes(1), None);
        Assert.NotNull(b);
        Assert.Equal(a.Epoch + 1, b.Epoch);

        Assert.False(await leases.RenewAsync(a, TimeSpan.FromMinutes(1), None));
        Assert.False(await leases.HoldsAsync(a, None));
        Assert.Null(await leases.AcquireAsync("rollouts", "replica-a", TimeSpan.FromMinutes(1), None));

        var database = s.Storage.Database;
        var fenced = await Assert.ThrowsAsync<GyreException>(() => database.WriteAsync(
            (c, t) => SqlLeaseStore.FenceAsync(c, t, database.Dialect, a, None), None));
        Assert.Equal(ErrorCode.Conflict, fenced.Code);
        Assert.Contains("lease 'rollouts': replica-a no longer holds it at epoch 1", fenced.Message, StringComparison.Ordinal);
        await database.WriteAsync((c, t) => SqlLeaseStore.FenceAsync(c, t, database.Dialect, b, None), None);
    }

    [SkippableFact]
    public async Task UnderAFence_EveryStoreWriteChecksTheLease_AndALostOneWritesNothing()
    {
        await using var s = await OpenAsync();
        var leases = s.Storage.Leases;
        var endpoints = s.Storage.Endpoints;
        await endpoints.CreateEndpointAsync(new Endpoint("churn", "churn/1", null, "durable", [EndpointVariant.Of("churn", 1, 100)], 1_000, 1_000), None);
        var a = (await leases.AcquireAsync("rollouts", "replica-a", TimeSpan.FromMilliseconds(200), None))!;
        using (LeaseFence.Enter(a))
        {
            await endpoints.UpdateEndpointAsync("churn", "churn/2", [EndpointVariant.Of("churn", 2, 100)], None);
        }
        await Task.Delay(400);
        var b = (await leases.AcquireAsync("rollouts", "replica-b", TimeSpan.FromMinutes(1), None))!;

        using (LeaseFence.Enter(a))
        {
            var refused = await Assert.ThrowsAsync<GyreException>(() => endpoints.UpdateEndpointAsync("churn", "churn/3", [EndpointVariant.Of("churn", 3, 100)], None));
            Assert.Equal(ErrorCode.Conflict, refused.Code);
            Assert.Contains("replica-a no longer holds it at epoch 1", refused.Message, StringComparison.Ordinal);
            // Work started under Suspend (a pipeline run a tick launches) is not the tick's to fence.
            using (LeaseFence.Suspend())
            {
                await endpoints.UpdateEndpointAsync("churn", "churn/4", [EndpointVariant.Of("churn", 4, 100)], None);
            }
        }
        Assert.Equal("churn/4", (await endpoints.GetEndpointAsync("churn", None)).Model);
        using (LeaseFence.Enter(b))
        {
            await endpoints.UpdateEndpointAsync("churn", "churn/5", [EndpointVariant.Of("churn", 5, 100)], None);
        }
        Assert.Equal("churn/5", (await endpoints.GetEndpointAsync("churn", None)).Model);
        Assert.Null(LeaseFence.Current);
    }

    [SkippableFact]
    public async Task ASingleton_RunsOnTheReplicaHoldingItsLease_AndKnowsWhenItTookOver()
    {
        await using var s = await OpenAsync();
        var replicaA = new ReplicaOptions { Holder = "replica-a", LeaseTtl = TimeSpan.FromSeconds(2) };
        var replicaB = new ReplicaOptions { Holder = "replica-b", LeaseTtl = TimeSpan.FromSeconds(2) };
        var onA = new Singleton("monitor", s.Storage.Leases, replicaA);
        var onB = new Singleton("monitor", s.Storage.Leases, replicaB);
        var ran = new List<(string Replica, bool TookOver, long? Epoch)>();

        Assert.True(await onA.RunAsync((took, _) => { ran.Add(("a", took, LeaseFence.Current?.Epoch)); return Task.CompletedTask; }, None));
        Assert.False(await onB.RunAsync((took, _) => { ran.Add(("b", took, LeaseFence.Current?.Epoch)); return Task.CompletedTask; }, None));
        Assert.True(await onA.RunAsync((took, _) => { ran.Add(("a", took, LeaseFence.Current?.Epoch)); return Task.CompletedTask; }, None));
        // A stopping replica lets go: the other takes over at its next attempt (a third of the lease time after its last), at the next epoch.
        await onA.ReleaseAsync(None);
        Assert.False(await onB.RunAsync((_, _) => Task.CompletedTask, None));
        await Task.Delay(replicaB.LeaseTtl / 3);
        Assert.True(await onB.RunAsync((took, _) => { ran.Add(("b", took, LeaseFence.Current?.Epoch)); return Task.CompletedTask; }, None));
        Assert.Equal([("a", true, 1L), ("a", false, 1L), ("b", true, 2L)], ran.Select(r => (r.Replica, r.TookOver, r.Epoch!.Value)));
        Assert.Null(LeaseFence.Current);

        // Work that outlasts the lease's time keeps it by the heartbeat: the other replica cannot take it meanwhile.
        var taken = true;
        Assert.True(await onB.RunAsync(async (_, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            taken = await onA.RunAsync((_, _) => Task.CompletedTask, ct);
        }, None));
        Assert.False(taken);
    }

    [SkippableFact]
    public async Task ADeadHoldersLease_IsTakenOverBeforeItRunsOut_ButOnlyFromThatHolder()
    {
        await using var s = await OpenAsync();
        var leases = s.Storage.Leases;
        var dead = (await leases.AcquireAsync("rollouts", "host:41:aa", TimeSpan.FromMinutes(10), None))!;
        Assert.Equal("host:41:aa", await leases.HolderAsync("rollouts", None));
        Assert.Null(await leases.HolderAsync("monitor", None));

        Assert.Null(await leases.TakeOverAsync("rollouts", "host:42:bb", "host:40:cc", TimeSpan.FromMinutes(1), None));
        var taken = await leases.TakeOverAsync("rollouts", "host:42:bb", "host:41:aa", TimeSpan.FromMinutes(1), None);
        Assert.Equal(dead.Epoch + 1, taken!.Epoch);
        Assert.Equal("host:42:bb", await leases.HolderAsync("rollouts", None));
        Assert.False(await leases.HoldsAsync(dead, None));
        // A second taker that judged the same holder dead finds the lease already moved on.
        Assert.Null(await leases.TakeOverAsync("rollouts", "host:43:dd", "host:41:aa", TimeSpan.FromMinutes(1), None));
    }

    [SkippableFact]
    public async Task QueuedRuns_AreClaimedOnceEach_OldestFirst_WithTheirLease_SkippingRunsAnotherHolds()
    {
        await using var s = await OpenAsync();
        var jobs = s.Storage.RunJobs;
        var leases = s.Storage.Leases;
        for (var id = 1; id <= 3; id++)
        {
            await jobs.EnqueueAsync(id, None);
        }
        await jobs.EnqueueAsync(2, None); // queued once
        Assert.Equal(3, await jobs.CountAsync(None));
        // Run 1 is still held by a live runner: claimers pass it by while it holds the lease.
        var held = await leases.AcquireAsync(PipelineService.RunLease(1), "runner", TimeSpan.FromMinutes(1), None);

        var first = await jobs.ClaimAsync("worker-a", TimeSpan.FromMinutes(1), None);
        Assert.Equal(2, first!.Value.RunId);
        Assert.Equal(("pipeline-run:2", "worker-a"), (first.Value.Lease.Name, first.Value.Lease.Holder));
        Assert.Equal("worker-a", await leases.HolderAsync("pipeline-run:2", None));
        Assert.False(await jobs.WaitingAsync(2, None));
        Assert.True(await jobs.WaitingAsync(1, None));
        Assert.Equal(3, (await jobs.ClaimAsync("worker-b", TimeSpan.FromMinutes(1), None))!.Value.RunId);
        Assert.Null(await jobs.ClaimAsync("worker-b", TimeSpan.FromMinutes(1), None));
        Assert.True(await jobs.WaitingAsync(1, None));

        // Once the runner lets the lease go, run 1 is claimed within the second a passed-over run waits
        // (on the database's clock), under a new epoch.
        await leases.ReleaseAsync(held!, None);
        await Task.Delay(TimeSpan.FromMilliseconds(1_100));
        var late = await jobs.ClaimAsync("worker-b", TimeSpan.FromMinutes(1), None);
        Assert.Equal(1, late!.Value.RunId);
        Assert.Equal(held!.Epoch + 1, late.Value.Lease.Epoch);
        Assert.Equal(0, await jobs.CountAsync(None));
    }

    [SkippableFact]
    public async Task AClaimByTheProcessThatRequeuedTheRun_IsANewEpoch_ThatTheRequeuersReleaseLeavesAlone()
    {
        await using var s = await OpenAsync();
        var jobs = s.Storage.RunJobs;
        var leases = s.Storage.Leases;
        // Recovery requeues run 7 under the run's lease, and lets it go after; the same process's
        // worker may claim the run in between.
        var requeuing = await leases.AcquireAsync(PipelineService.RunLease(7), "host:1:aa", TimeSpan.FromMinutes(1), None);
        await jobs.EnqueueAsync(7, None);
        var claimed = await jobs.ClaimAsync("host:1:aa", TimeSpan.FromMinutes(1), None);
        Assert.Equal(7, claimed!.Value.RunId);
        Assert.Equal(requeuing!.Epoch + 1, claimed.Value.Lease.Epoch);
        await leases.ReleaseAsync(requeuing, None);
        Assert.True(await leases.HoldsAsync(claimed.Value.Lease, None));
    }

    [SkippableFact]
    public async Task ConcurrentClaimers_NeverClaimOneRunTwice()
    {
        await using var s = await OpenAsync();
        var jobs = s.Storage.RunJobs;
        for (var id = 100; id < 300; id++)
        {
            await jobs.EnqueueAsync(id, None);
        }
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            while (await jobs.ClaimAsync($"worker-{w}", TimeSpan.FromMinutes(1), None) is { } job)
            {
                claimed.Add(job.RunId);
            }
        })));
        Assert.Equal(Enumerable.Range(100, 200).Select(i => (long)i), claimed.Order());
        Assert.Equal(0, await jobs.CountAsync(None));
    }

    [SkippableFact]
    public async Task EveryEndpointWrite_RaisesTheRoutingVersion()
    {
        await using var s = await OpenAsync();
        var changes = s.Storage.RoutingChanges;
        var endpoints = s.Storage.Endpoints;
        var before = await changes.VersionAsync(None);
        await endpoints.CreateEndpointAsync(new Endpoint("churn", "churn/1", null, "durable", [EndpointVariant.Of("churn", 1, 100)], 1_000, 1_000), None);
        await endpoints.UpdateEndpointAsync("churn", "churn/2", [EndpointVariant.Of("churn", 2, 100)], None);
        await Assert.ThrowsAsync<GyreException>(() => endpoints.UpdateEndpointAsync("fraud", "fraud/1", [], None));
        await endpoints.DeleteEndpointAsync("churn", None);
        // A refused write raises nothing: the version counts committed changes.
        Assert.Equal(before + 3, await changes.VersionAsync(None));
    }

    [SkippableFact]
    public async Task AReleasedLease_IsTakenAtOnce_AndBadArgumentsAreNamed()
    {
        await using var s = await OpenAsync();
        var leases = s.Storage.Leases;
        var a = (await leases.AcquireAsync("triggers", "replica-a", TimeSpan.FromMinutes(10), None))!;
        await leases.ReleaseAsync(a, None);
        var b = await leases.AcquireAsync("triggers", "replica-b", TimeSpan.FromMinutes(10), None);
        Assert.Equal(2, b!.Epoch);

        var bad = await Assert.ThrowsAsync<GyreException>(() => leases.AcquireAsync(" ", "", TimeSpan.Zero, None));
        Assert.Equal(["name: required", "holder: required", "ttl: expected from 1 ms to 1 day, got 00:00:00"], bad.Errors);
    }
}

public sealed class SqliteLeaseStoreTests : LeaseStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.SqliteAsync();
}

public sealed class PostgresLeaseStoreTests : LeaseStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => Backends.PostgresAsync();

    [SkippableFact]
    public async Task ACommittedEndpointChange_WakesAListenerAtOnce()
    {
        await using var s = await OpenAsync();
        var changes = s.Storage.RoutingChanges;
        await changes.WaitAsync(TimeSpan.FromMilliseconds(50), CancellationToken.None); // listening from here on
        Assert.True(changes.Listening);
        var waiting = changes.WaitAsync(TimeSpan.FromMinutes(1), CancellationToken.None);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await s.Storage.Endpoints.CreateEndpointAsync(new Endpoint("churn", "churn/1", null, "durable", [EndpointVariant.Of("churn", 1, 100)], 1_000, 1_000), CancellationToken.None);
        await waiting.WaitAsync(TimeSpan.FromSeconds(20));
        // Woken by the notification, not by the minute's timeout.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"woken after {watch.Elapsed}");
    }
}
