using Gyre.Core.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Background;

/// <summary>
/// Runs <see cref="TickAsync"/> every <c>period</c> on the server's clock (a fake one in tests, so
/// workers are driven without sleeping). A failed tick is logged and counted against the worker,
/// and the next one tries again: one bad tick never stops the worker, let alone the server.
/// </summary>
public abstract class PeriodicWorker(string worker, TimeSpan period, TimeProvider time, BackgroundErrors errors, ILogger logger) : BackgroundService
{
    protected abstract Task TickAsync(CancellationToken ct);

    /// <summary>The server's clock now, in milliseconds since the Unix epoch.</summary>
    protected long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

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

    protected void TickFailed(Exception exception) => TickFailed(worker, exception);

    /// <summary>Runs one part of a tick, so that its failure is reported under its own name and the next part still runs.</summary>
    protected async Task RunPartAsync(string part, Func<CancellationToken, Task> work, CancellationToken ct)
    {
        try
        {
            await work(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            TickFailed(part, e);
        }
    }

    private void TickFailed(string part, Exception exception)
    {
        errors.Count(part);
        GyreLog.TickFailed(logger, exception, part);
    }
}
