using System.Collections.Concurrent;

namespace Gyre.Core.Serving.Gateway;

/// <summary>
/// What a variant did since its window began: requests routed to it, how many failed, the latest
/// latencies (a ring of <see cref="Samples"/>, for p99), and, for a shadow, how often it agreed with
/// the primary. The rollout controller begins a window at each canary step and reads it when the
/// step's bake time is over. Recording is lock-free; it is on the request path.
/// </summary>
public sealed class VariantWindow
{
    public const int Samples = 4096;

    private readonly double[] _latencies = new double[Samples];
    private long _requests;
    private long _answered;
    private long _errors;
    private long _compared;
    private long _agreed;

    public long Requests => Interlocked.Read(ref _requests);

    public long Errors => Interlocked.Read(ref _errors);

    public long Compared => Interlocked.Read(ref _compared);

    public long Agreed => Interlocked.Read(ref _agreed);

    /// <summary>The recent traffic in intervals, which <see cref="Begin"/> leaves alone.</summary>
    public TrafficSeries Series { get; } = new();

    public void Answered(double latencyMs, long nowMs)
    {
        Series.Record(nowMs, latencyMs, failed: false);
        Interlocked.Increment(ref _requests);
        var n = Interlocked.Increment(ref _answered);
        _latencies[(n - 1) % Samples] = latencyMs;
    }

    public void Failed(long nowMs)
    {
        Series.Record(nowMs, 0, failed: true);
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _errors);
    }

    public void Shadowed(bool agreed)
    {
        Interlocked.Increment(ref _compared);
        if (agreed)
        {
            Interlocked.Increment(ref _agreed);
        }
    }

    /// <summary>The 99th percentile of the latest answered latencies (nearest rank); 0 with none.</summary>
    public double P99LatencyMs()
    {
        var answered = (int)Math.Min(Interlocked.Read(ref _answered), Samples);
        if (answered == 0)
        {
            return 0;
        }
        var copy = _latencies[..answered];
        Array.Sort(copy);
        return copy[Math.Clamp((int)Math.Ceiling(0.99 * copy.Length) - 1, 0, copy.Length - 1)];
    }

    public void Begin()
    {
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _answered, 0);
        Interlocked.Exchange(ref _errors, 0);
        Interlocked.Exchange(ref _compared, 0);
        Interlocked.Exchange(ref _agreed, 0);
        Array.Clear(_latencies);
    }
}

/// <summary>The windows of every endpoint's variants, by (endpoint, variant).</summary>
public sealed class VariantWindows
{
    private readonly ConcurrentDictionary<(string, string), VariantWindow> _windows = new();

    public VariantWindow Of(string endpoint, string variant) => _windows.GetOrAdd((endpoint, variant), _ => new VariantWindow());

    /// <summary>The variant's window if it has one, without making one (readers such as the dashboard).</summary>
    public VariantWindow? Find(string endpoint, string variant) => _windows.GetValueOrDefault((endpoint, variant));

    /// <summary>Shadow copies dropped because the queue was full, since start.</summary>
    public long ShadowDropped => Interlocked.Read(ref _shadowDropped);

    private long _shadowDropped;

    public void ShadowDrop() => Interlocked.Increment(ref _shadowDropped);

    public IEnumerable<((string Endpoint, string Variant) Key, VariantWindow Window)> All => _windows.Select(p => (p.Key, p.Value));
}
