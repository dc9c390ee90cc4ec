using Gyre.Core.Pipelines.Triggers;
using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>Checks pipeline triggers every few seconds on the server's clock (a fake one in tests, so schedules fire without waiting).</summary>
internal sealed class PipelineWorker(PipelineTriggerWatcher watcher, TimeProvider time) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await watcher.TickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
