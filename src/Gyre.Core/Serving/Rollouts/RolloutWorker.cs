using Gyre.Core.Background;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Serving.Rollouts;

/// <summary>Runs the rollout controller every second.</summary>
internal sealed class RolloutWorker(RolloutController controller, TimeProvider time, BackgroundErrors errors, ILogger<RolloutWorker> logger)
    : PeriodicWorker(Workers.Rollouts, Period, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override Task TickAsync(CancellationToken ct) => controller.TickAsync(ct);
}
