using Gyre.Core.Pipelines.Triggers;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>Checks pipeline triggers every few seconds.</summary>
internal sealed class PipelineWorker(PipelineTriggerWatcher watcher, TimeProvider time, ILogger<PipelineWorker> logger) : PeriodicWorker(time, Period)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override Task TickAsync(CancellationToken ct) => watcher.TickAsync(ct);

    protected override void TickFailed(Exception exception) => GyreServerLog.PipelineTriggerFailed(logger, exception, "(all)");
}
