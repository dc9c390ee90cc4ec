using Gyre.Core.Coordination;
using Gyre.Core.Serving.Endpoints;
using Microsoft.Extensions.Hosting;

namespace Gyre.Core.Serving.Gateway;

/// <summary>
/// Keeps this replica's routing table in step with endpoint changes made through any replica: it
/// waits for a notification (PostgreSQL) or the next poll, reads the routing version, and when the
/// version moved, syncs the router from the store. When the database cannot be reached the router
/// keeps its last table and <see cref="State"/> says since when it is stale.
/// </summary>
public sealed class RoutingWatcher(IRoutingChanges changes, EndpointService endpoints, TimeProvider time) : BackgroundService
{
    /// <summary>How often the version is read without notifications (SQLite, or a lost listening connection): the bound on a change's delay then.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>How often it is read while notifications come, as a fallback for one missed (a listening connection that breaks is opened again and checked at once).</summary>
    public static readonly TimeSpan ListeningPollInterval = TimeSpan.FromSeconds(5);

    private volatile RoutingState _state = new(-1, null, null);

    public RoutingState State => _state;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The loop does nothing a singleton's fence should govern, and it outlives any tick.
        using var unfenced = LeaseFence.Suspend();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await CheckAsync(stoppingToken);
                await changes.WaitAsync(changes.Listening ? ListeningPollInterval : PollInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    /// <summary>Reads the version and syncs the router when it moved; records the outcome either way.</summary>
    public async Task CheckAsync(CancellationToken ct)
    {
        var state = _state;
        try
        {
            // Read before the sync: a change committed during the sync moves the version past this one, and the next check syncs again.
            var version = await changes.VersionAsync(ct);
            if (version != state.Version)
            {
                await endpoints.SyncAsync(ct);
            }
            _state = new RoutingState(version, null, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _state = state with { StaleSince = state.StaleSince ?? time.GetUtcNow(), Problem = e.Message };
        }
    }
}

/// <summary>The routing version the router was last synced to, and since when (and why) it cannot be checked, if it cannot.</summary>
public sealed record RoutingState(long Version, DateTimeOffset? StaleSince, string? Problem)
{
    public bool Stale => StaleSince is not null;
}
