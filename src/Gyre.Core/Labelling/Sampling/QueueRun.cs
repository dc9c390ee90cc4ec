using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// One queue's part of a sampler tick: the windows [<see cref="From"/>, <see cref="Until"/>) it
/// reads, each open window's strategy (seeded by the queue's seed and the window's number), and the
/// picks of the windows closed so far. A window closes once the log's reading has passed its end
/// (no later prediction can fall in it), in order; picks are written in groups as windows close,
/// each group with the queue's new position, so a long stretch never waits in memory.
/// </summary>
internal sealed class QueueRun(LabelQueueDefinition queue, long sampledUntil, long until, string primary, DriftTarget? target, ILabelStore store, long now)
{
    /// <summary>How many picks are written at once.</summary>
    private const int WriteEvery = 5_000;

    private readonly SortedDictionary<long, OpenWindow> _open = [];
    private readonly List<LabelItem> _items = [];
    private long _position = sampledUntil;

    public long From { get; } = sampledUntil;

    public long Until => until;

    /// <summary>Items written so far.</summary>
    public int Added { get; private set; }

    /// <summary>Another replica moved the queue meanwhile (this one lost the lease): it stops, and the other goes on.</summary>
    public bool Lost { get; private set; }

    public void Offer(PredictionRecord prediction)
    {
        if (Lost || prediction.Time < From || prediction.Time >= Until)
        {
            return;
        }
        var window = (prediction.Time - queue.Since) / queue.WindowMs;
        if (!_open.TryGetValue(window, out var open))
        {
            var random = new Random(Seed(queue.Seed, window));
            _open[window] = open = new OpenWindow(Strategy(queue.Budget(window), random), random);
        }
        if (prediction.Routing != Routings.Shadow)
        {
            open.Seen++;
        }
        open.Strategy?.Offer(prediction);
    }

    /// <summary>Closes the windows that end at or before <paramref name="floor"/>: no prediction still to be read is older.</summary>
    public async Task CloseBeforeAsync(long floor, CancellationToken ct)
    {
        while (!Lost && _open.Count > 0 && End(_open.Keys.First()) <= floor)
        {
            await CloseAsync(_open.Keys.First(), ct);
        }
    }

    /// <summary>Closes every window still open and writes what is left, moving the queue to <see cref="Until"/>.</summary>
    public async Task FinishAsync(CancellationToken ct)
    {
        while (!Lost && _open.Count > 0)
        {
            await CloseAsync(_open.Keys.First(), ct);
        }
        if (!Lost)
        {
            await WriteAsync(Until, ct);
        }
    }

    private async Task CloseAsync(long window, CancellationToken ct)
    {
        var (strategy, random, seen) = (_open[window].Strategy, _open[window].Random, _open[window].Seen);
        _open.Remove(window);
        foreach (var pick in strategy?.Pick(queue.Budget(window, seen, random)) ?? [])
        {
            var p = pick.Prediction;
            _items.Add(new LabelItem(queue.Name, p.PredictionId, p.Time, p.Variant, $"{p.ModelName}/{p.ModelVersion}", p.Inputs, p.Outputs, pick.Reason, pick.Priority,
                random.NextDouble() < queue.Double ? 2 : 1, now));
        }
        if (_items.Count >= WriteEvery)
        {
            await WriteAsync(End(window), ct);
        }
    }

    private async Task WriteAsync(long position, CancellationToken ct)
    {
        Lost = !await store.AddSampleAsync(queue.Name, _position, position, _items, ct);
        Added += Lost ? 0 : _items.Count;
        _position = position;
        _items.Clear();
    }

    private long End(long window) => queue.Since + ((window + 1) * queue.WindowMs);

    private SampleStrategy? Strategy(int budget, Random random) => budget <= 0 ? null : queue.Strategy switch
    {
        LabelStrategies.Random => new RandomStrategy(budget, random),
        LabelStrategies.Uncertainty => new UncertaintyStrategy(budget),
        LabelStrategies.Disagreement => new DisagreementStrategy(primary, budget),
        LabelStrategies.Slice => new SliceStrategy(queue.Slice!, random),
        LabelStrategies.Drift => target is null ? null : new DriftStrategy(target, budget),
        _ => null,
    };

    /// <summary>A window being read: its strategy, its draws, and how many of its predictions were answered to callers (shadow copies left out).</summary>
    private sealed class OpenWindow(SampleStrategy? strategy, Random random)
    {
        public SampleStrategy? Strategy { get; } = strategy;

        public Random Random { get; } = random;

        public long Seen { get; set; }
    }

    /// <summary>A window's seed from the queue's and the window's number (not <see cref="HashCode"/>, which differs between processes).</summary>
    private static int Seed(int queueSeed, long window) => (int)(((queueSeed * 1_000_003L) + window) % int.MaxValue);
}
