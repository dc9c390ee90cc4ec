using Microsoft.Extensions.Hosting;

namespace Gyre.Server.Hosting;

/// <summary>
/// Runs <see cref="TickAsync"/> every <c>period</c> on the server's clock (a fake one in tests, so
/// workers are driven without sleeping). A failed tick is reported and the next one tries again:
/// one bad tick never stops the worker, let alone the server.
/// </summary>
internal abstract class PeriodicWorker(TimeProvider time, TimeSpan period) : BackgroundService
{
    protected abstract Task TickAsync(CancellationToken ct);

    protected abstract void TickFailed(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await TickAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    TickFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }
}
