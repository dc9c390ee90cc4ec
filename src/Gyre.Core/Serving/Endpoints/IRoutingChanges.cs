namespace Gyre.Core.Serving.Endpoints;

/// <summary>
/// How replicas learn that endpoints changed: a version every endpoint write raises in its own
/// transaction, and a wake-up when one commits (PostgreSQL's LISTEN/NOTIFY; a backend without it
/// only polls). The version is the truth; a wake-up merely saves the wait for the next poll.
/// </summary>
public interface IRoutingChanges
{
    /// <summary>The routing version now: it grows with every endpoint created, changed or deleted.</summary>
    Task<long> VersionAsync(CancellationToken ct);

    /// <summary>Whether changes are announced now (a listening connection is open); without, only polling finds them.</summary>
    bool Listening { get; }

    /// <summary>
    /// Waits until a change is announced or <paramref name="timeout"/> passes, whichever comes first;
    /// returns at once when it has just started listening, so the caller checks what it may have missed.
    /// </summary>
    Task WaitAsync(TimeSpan timeout, CancellationToken ct);
}
