using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>Uniformly at random among the window's answered predictions (a reservoir of the largest budget it may be asked for).</summary>
public sealed class RandomStrategy(int size, Random random) : SampleStrategy
{
    private readonly List<PredictionRecord> _kept = [];
    private long _seen;

    public override void Offer(PredictionRecord prediction)
    {
        if (prediction.Routing == Routings.Shadow)
        {
            return;
        }
        _seen++;
        if (_kept.Count < size)
        {
            _kept.Add(prediction);
        }
        else if (random.NextInt64(_seen) is var slot && slot < size)
        {
            _kept[(int)slot] = prediction;
        }
    }

    public override IReadOnlyList<Candidate> Pick(int budget)
    {
        // Fewer than kept (a share, known at the window's end): a random part of the reservoir, whose first slots favour the window's first predictions.
        for (var i = 0; budget < _kept.Count && i < budget; i++)
        {
            var j = random.Next(i, _kept.Count);
            (_kept[i], _kept[j]) = (_kept[j], _kept[i]);
        }
        return [.. _kept.Take(budget).Select(p => new Candidate(p, 0, $"random: 1 of {_seen} predictions in its window"))];
    }
}
