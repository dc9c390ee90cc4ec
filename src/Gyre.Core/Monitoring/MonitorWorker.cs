using Gyre.Core.Background;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Monitoring;

/// <summary>
/// Every few seconds: checks monitored endpoints for complete drift windows, then evaluates the
/// policies, which see those windows at once (and are evaluated even when the monitor failed).
/// </summary>
internal sealed class MonitorWorker(EndpointMonitor monitor, PolicyEngine policies, TimeProvider time, BackgroundErrors errors, ILogger<MonitorWorker> logger)
    : PeriodicWorker(Workers.Monitor, Period, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task TickAsync(CancellationToken ct)
    {
        await RunPartAsync(Workers.Monitor, monitor.TickAsync, ct);
        await RunPartAsync(Workers.Policies, policies.TickAsync, ct);
    }
}
