using System.Runtime.InteropServices;
using Gyre.Core.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>
/// A graceful stop for servers behind a load balancer. On SIGTERM (or Ctrl+C) <c>/readyz</c> turns
/// 503 first, and the server keeps serving for <see cref="ServerOptions.DrainTime"/> while the load
/// balancer notices and stops sending; only then does Kestrel stop accepting and finish the requests
/// in flight. A second signal during the drain skips what is left of it.
/// </summary>
internal sealed class DrainService(Readiness readiness, ServerOptions options, TimeProvider time, ILogger<DrainService> logger) : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        readiness.BeginDraining();
        if (options.DrainTime <= TimeSpan.Zero)
        {
            return;
        }
        GyreLog.Draining(logger, options.DrainTime.TotalSeconds);
        using var skip = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Skip);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Skip);
        try
        {
            await Task.Delay(options.DrainTime, time, skip.Token);
        }
        catch (OperationCanceledException)
        {
            // Skipped by a second signal, or the host's shutdown timeout.
        }

        void Skip(PosixSignalContext context)
        {
            context.Cancel = true;
            skip.Cancel();
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
