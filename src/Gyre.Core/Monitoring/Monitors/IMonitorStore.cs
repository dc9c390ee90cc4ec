namespace Gyre.Core.Monitoring.Monitors;

/// <summary>Endpoint monitors and the drift windows they produced (a time series per endpoint).</summary>
public interface IMonitorStore
{
    Task SaveMonitorAsync(EndpointMonitorState monitor, CancellationToken ct);

    Task<EndpointMonitorState?> GetMonitorAsync(string endpoint, CancellationToken ct);

    Task<IReadOnlyList<EndpointMonitorState>> ListMonitorsAsync(CancellationToken ct);

    Task<bool> DeleteMonitorAsync(string endpoint, CancellationToken ct);

    /// <summary>Stores a window and moves the monitor's next start to its end, in one transaction.</summary>
    Task<DriftWindow> AddWindowAsync(DriftWindow window, CancellationToken ct);

    /// <summary>The endpoint's windows, newest first.</summary>
    Task<IReadOnlyList<DriftWindow>> ListWindowsAsync(string endpoint, int limit, CancellationToken ct);
}
