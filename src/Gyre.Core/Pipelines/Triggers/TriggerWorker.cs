using Gyre.Core.Background;
using Gyre.Core.Pipelines.Runs;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Pipelines.Triggers;

/// <summary>
/// Checks pipeline triggers every few seconds. On stopping, first interrupts the runs still going
/// (their records say so, and they can be resumed), while the server still answers.
/// </summary>
internal sealed class TriggerWorker(PipelineTriggerWatcher watcher, PipelineService pipelines, TimeProvider time, BackgroundErrors errors, ILogger<TriggerWorker> logger)
    : PeriodicWorker(Workers.Triggers, Period, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    protected override Task TickAsync(CancellationToken ct) => watcher.TickAsync(ct);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await pipelines.DisposeAsync();
    }
}
