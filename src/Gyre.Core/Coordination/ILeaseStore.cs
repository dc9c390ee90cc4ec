namespace Gyre.Core.Coordination;

/// <summary>
/// Leases that let one replica at a time act as a singleton (the rollout controller, a monitor, the
/// trigger scheduler) among servers sharing one database. A lease is held until a time of the
/// database's clock, never a replica's, so a replica whose clock is wrong cannot take one early. Every
/// takeover raises the lease's epoch, and a singleton's writes check the epoch they were made under in
/// their own transaction: a holder that was paused or cut off past its lease's end can no longer write
/// once another has taken over, which neither advisory locks nor Kubernetes Lease objects give alone.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease for <paramref name="holder"/> when it is free or has run out (its epoch grows), or
    /// extends it when <paramref name="holder"/> still holds it (its epoch stays); null while another
    /// holder's lease runs.
    /// </summary>
    Task<Lease?> AcquireAsync(string name, string holder, TimeSpan ttl, CancellationToken ct);

    /// <summary>
    /// Takes the lease from <paramref name="from"/>, although its time has not run out, when that is
    /// still its holder (its epoch grows): for a holder known to be dead, such as a previous process of
    /// this replica on this host. Null when the lease has meanwhile passed to someone else.
    /// </summary>
    Task<Lease?> TakeOverAsync(string name, string holder, string from, TimeSpan ttl, CancellationToken ct);

    /// <summary>Who holds the lease now; null when it is free or has run out.</summary>
    Task<string?> HolderAsync(string name, CancellationToken ct);

    /// <summary>Extends a lease still held; false when it ran out or was released (take it again with <see cref="AcquireAsync"/>).</summary>
    Task<bool> RenewAsync(Lease lease, TimeSpan ttl, CancellationToken ct);

    /// <summary>Lets the lease go at once, so another holder need not wait for it to run out.</summary>
    Task ReleaseAsync(Lease lease, CancellationToken ct);

    /// <summary>Whether the lease is still its holder's, at its epoch, and has not run out.</summary>
    Task<bool> HoldsAsync(Lease lease, CancellationToken ct);
}

/// <summary>A lease held: its name, holder, epoch (one more at every takeover) and end, in milliseconds of the database's clock.</summary>
public sealed record Lease(string Name, string Holder, long Epoch, long ExpiresAt);
