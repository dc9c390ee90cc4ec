using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Monitoring;

/// <summary>
/// Every few seconds: checks monitored endpoints for complete drift windows, then evaluates the
/// policies, which see those windows at once (and are evaluated even when the monitor failed). On
/// the one replica that holds the monitor's lease, so that a window is checked and a policy fires once.
/// </summary>
internal sealed class MonitorWorker(EndpointMonitor monitor, Bias.EndpointBias bias, PolicyEngine policies, ILeaseStore leases, ReplicaOptions replica, Diagnostics.ReplicaCounters counters, TimeProvider time,
    BackgroundErrors errors, ILogger<MonitorWorker> logger)
    : SingletonWorker(Workers.Monitor, Period, leases, replica, counters, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task TickHeldAsync(bool tookOver, CancellationToken ct)
    {
        await RunPartAsync(Workers.Monitor, monitor.TickAsync, ct);
        await RunPartAsync(Workers.Policies, policies.TickAsync, ct);
        await RunPartAsync(Workers.Monitor, bias.TickAsync, ct);
    }
}
