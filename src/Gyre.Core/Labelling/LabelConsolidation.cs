using System.Globalization;
using System.Text.Json;

namespace Gyre.Core.Labelling;

/// <summary>
/// What an item's labels make of it: open until it has the labels it needs (skips do not count);
/// then done with the first label as its final one when they agree (a regression's: their mean,
/// when within the queue's tolerance), else in review. A reviewer's decision is never changed.
/// </summary>
public static class LabelConsolidation
{
    public static LabelItem Settle(LabelledItem labelled, LabelQueueDefinition queue)
    {
        var item = labelled.Item;
        if (item.Reviewer is not null)
        {
            return item;
        }
        var given = labelled.Labels.Where(l => !l.Skipped).Take(item.LabelsNeeded).Select(l => l.Label!).ToList();
        if (given.Count < item.LabelsNeeded)
        {
            return item with { State = LabelItemStates.Open, Final = null };
        }
        if (queue.Choices is not null)
        {
            return given.All(l => l == given[0]) ? item with { State = LabelItemStates.Done, Final = given[0] } : item with { State = LabelItemStates.Review, Final = null };
        }
        var numbers = given.Select(Number).ToList();
        return numbers.Max() - numbers.Min() <= queue.Tolerance + 1e-12
            ? item with { State = LabelItemStates.Done, Final = numbers.Average().ToString("R", CultureInfo.InvariantCulture) }
            : item with { State = LabelItemStates.Review, Final = null };
    }

    /// <summary>Two labels agree: the same class, or numbers within the tolerance.</summary>
    public static bool Agree(string a, string b, LabelQueueDefinition queue) =>
        queue.Choices is not null ? a == b : Math.Abs(Number(a) - Number(b)) <= queue.Tolerance + 1e-12;

    public static double Number(string label)
    {
        using var json = JsonDocument.Parse(label);
        return json.RootElement.GetDouble();
    }
}
