using Gyre.Core.Serving.Gateway;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>Saves the endpoints' recent traffic every 10 seconds, and once more on stopping (<see cref="TrafficHistory"/>).</summary>
internal sealed class TrafficWorker(TrafficHistory history, TimeProvider time, ILogger<TrafficWorker> logger) : PeriodicWorker(time, Period)
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(TrafficSeries.IntervalMs);

    protected override Task TickAsync(CancellationToken ct) => history.SaveAsync(ct);

    protected override void TickFailed(Exception exception) => GyreServerLog.TrafficSaveFailed(logger, exception);

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await history.SaveAsync(cancellationToken);
        }
        catch (Exception e)
        {
            TickFailed(e); // also when the stop's time ran out: a chart's last seconds are not worth a failed shutdown
        }
    }
}
