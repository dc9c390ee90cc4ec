using Gyre.Core.Background;
using Gyre.Core.Coordination;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Serving.Traffic;

/// <summary>
/// Publishes this replica's running totals of every variant it served, every second, for the rollout
/// controller on whichever replica runs it (<see cref="ClusterTraffic"/>). Only variants whose totals
/// moved are written, so an idle replica writes nothing. Every ten minutes it also forgets the totals
/// of replicas that have published nothing for an hour.
/// </summary>
internal sealed class TrafficPublisher(TrafficMeter traffic, ITrafficTotalsStore totals, ReplicaOptions replica, TimeProvider time, BackgroundErrors errors,
    ILogger<TrafficPublisher> logger)
    : PeriodicWorker(Workers.Traffic, Period, time, errors, logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(1);

    private static readonly long ForgetAfterMs = (long)TimeSpan.FromHours(1).TotalMilliseconds;
    private static readonly long ForgetEveryMs = (long)TimeSpan.FromMinutes(10).TotalMilliseconds;

    private readonly Dictionary<(string Endpoint, string Variant), long> _published = [];
    private long _forgotAt;

    protected override async Task TickAsync(CancellationToken ct)
    {
        var now = NowMs;
        var moved = traffic.All
            .Select(v => new VariantTotals(replica.Holder, v.Key.Endpoint, v.Key.Variant, v.Meter.Totals()))
            .Where(t => _published.GetValueOrDefault((t.Endpoint, t.Variant), -1) != t.Counts.Requests + t.Counts.Compared)
            .ToList();
        if (moved.Count > 0)
        {
            await totals.PublishAsync(replica.Holder, moved, now, ct);
            foreach (var t in moved)
            {
                _published[(t.Endpoint, t.Variant)] = t.Counts.Requests + t.Counts.Compared;
            }
        }
        if (now - _forgotAt >= ForgetEveryMs)
        {
            await totals.ForgetAsync(now - ForgetAfterMs, ct);
            _forgotAt = now;
        }
    }
}
