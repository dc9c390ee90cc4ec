using Gyre.Core.Monitoring.Endpoints;
using Gyre.Core.Monitoring.Policies;
using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>
/// Every few seconds on the server's clock: checks monitored endpoints for complete drift windows,
/// then evaluates the policies, which see those windows at once.
/// </summary>
internal sealed class MonitorWorker(EndpointMonitor monitor, PolicyEngine policies, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await monitor.TickAsync(stoppingToken);
                await policies.TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
