using Gyre.Core.Serving.Rollouts;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>Runs the rollout controller every second.</summary>
internal sealed class RolloutWorker(RolloutController controller, TimeProvider time, ILogger<RolloutWorker> logger) : PeriodicWorker(time, Period)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    protected override Task TickAsync(CancellationToken ct) => controller.TickAsync(ct);

    protected override void TickFailed(Exception exception) => GyreServerLog.RolloutTickFailed(logger, exception);
}
