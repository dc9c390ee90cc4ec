using Gyre.Core.Serving.Rollouts;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>Runs the rollout controller every second on the server's clock (a fake one in tests, so rollouts are driven without sleeping).</summary>
internal sealed class RolloutWorker(RolloutController controller, TimeProvider time, ILogger<RolloutWorker> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await controller.TickAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    GyreServerLog.RolloutTickFailed(logger, e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
