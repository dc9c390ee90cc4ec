using Gyre.Core.Background;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Serving.Traffic;

/// <summary>Saves the endpoints' recent traffic every 10 seconds, and once more on stopping (<see cref="TrafficHistory"/>).</summary>
internal sealed class TrafficWorker(TrafficHistory history, TimeProvider time, BackgroundErrors errors, ILogger<TrafficWorker> logger)
    : PeriodicWorker(Workers.Traffic, Period, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromMilliseconds(TrafficSeries.IntervalMs);

    protected override Task TickAsync(CancellationToken ct) => history.SaveAsync(ct);

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
