using Gyre.Core.Errors;
using Gyre.Storage.Coordination;

namespace Gyre.Storage.Tests.Contract;

/// <summary>
/// Leases on both backends: one holder at a time while a lease runs, renewals that keep its epoch, a
/// takeover once it has run out (by the database's clock) that raises the epoch, and a fenced write of
/// the old holder refused inside its own transaction.
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
}
