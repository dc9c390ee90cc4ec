using Gyre.Core.Monitoring.Endpoints;
using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>Checks monitored endpoints for complete drift windows every few seconds on the server's clock.</summary>
internal sealed class MonitorWorker(EndpointMonitor monitor, TimeProvider time) : BackgroundService
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
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
