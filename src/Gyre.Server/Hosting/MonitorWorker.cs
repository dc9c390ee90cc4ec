using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Monitoring.Policies;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>
/// Every few seconds: checks monitored endpoints for complete drift windows, then evaluates the
/// policies, which see those windows at once.
/// </summary>
internal sealed class MonitorWorker(EndpointMonitor monitor, PolicyEngine policies, TimeProvider time, ILogger<MonitorWorker> logger) : PeriodicWorker(time, Period)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task TickAsync(CancellationToken ct)
    {
        await monitor.TickAsync(ct);
        await policies.TickAsync(ct);
    }

    protected override void TickFailed(Exception exception) => GyreServerLog.MonitorFailed(logger, exception, "(all)");
}
