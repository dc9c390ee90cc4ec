namespace Gyre.Core.Coordination;

/// <summary>
/// The lease the current flow of work writes under. While a singleton's tick runs inside
/// <see cref="Enter"/>, every write transaction it makes to the metadata database, through any store,
/// first checks in that transaction that the lease is still held at its epoch, and is refused (a
/// conflict, nothing written) when it is not: the stores need no fence parameter of their own, and a
/// write cannot slip past the check by going through a store the singleton did not think of.
/// The lease flows with the tick's async calls; work that outlives the tick (a pipeline run the tick
/// starts, a queue's consumer created on its first use) starts inside <see cref="Suspend"/>, so that
/// it is not refused when the tick's lease later passes to another replica.
/// </summary>
public static class LeaseFence
{
    private static readonly AsyncLocal<Lease?> Held = new();

    /// <summary>The lease writes are fenced by here, if any.</summary>
    public static Lease? Current => Held.Value;

    /// <summary>Fences the writes of the work that follows, until the scope is disposed.</summary>
    public static IDisposable Enter(Lease lease) => new Scope(lease);

    /// <summary>Lifts the fence for work that starts here and outlives the current one.</summary>
    public static IDisposable Suspend() => new Scope(null);

    private sealed class Scope : IDisposable
    {
        private readonly Lease? _outer = Held.Value;

        public Scope(Lease? lease) => Held.Value = lease;

        public void Dispose() => Held.Value = _outer;
    }
}
