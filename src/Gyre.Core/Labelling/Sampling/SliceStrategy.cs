using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling.Sampling;

/// <summary>
/// Up to a quota per value of a column, chosen at random among that value's predictions, so that a
/// rare group gets its labels: when the budget cannot cover every quota, the rarest values are
/// served first, one item at a time round the values.
/// </summary>
public sealed class SliceStrategy(SliceQuota slice, Random random) : SampleStrategy
{
    private readonly Dictionary<string, (long Seen, List<PredictionRecord> Kept)> _values = new(StringComparer.Ordinal);

    public override void Offer(PredictionRecord prediction)
    {
        if (prediction.Routing == Routings.Shadow)
        {
            return;
        }
        var value = InputValues.Text(prediction.Inputs, slice.Column);
        if (!_values.TryGetValue(value, out var held))
        {
            if (_values.Count >= Math.Max(1, MaxHeld / Math.Max(1, slice.Quota)))
            {
                return;
            }
            held = (0, []);
        }
        var seen = held.Seen + 1;
        if (held.Kept.Count < slice.Quota)
        {
            held.Kept.Add(prediction);
        }
        else if (random.NextInt64(seen) is var slot && slot < slice.Quota)
        {
            held.Kept[(int)slot] = prediction;
        }
        _values[value] = (seen, held.Kept);
    }

    public override IReadOnlyList<Candidate> Pick(int budget)
    {
        var rarestFirst = _values.OrderBy(v => v.Value.Seen).ThenBy(v => v.Key, StringComparer.Ordinal).ToList();
        var picked = new List<Candidate>();
        for (var round = 0; round < slice.Quota && picked.Count < budget; round++)
        {
            foreach (var (value, (seen, kept)) in rarestFirst)
            {
                if (picked.Count < budget && round < kept.Count)
                {
                    picked.Add(new Candidate(kept[round], 1.0 / seen, $"slice: {slice.Column} = {value} ({seen} predictions in its window)"));
                }
            }
        }
        return picked;
    }
}
