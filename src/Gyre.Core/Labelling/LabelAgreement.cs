namespace Gyre.Core.Labelling;

/// <summary>
/// How far a queue's labellers agree, over the items two of them labelled: the share that agree and
/// Cohen's kappa, κ = (p_o − p_e)/(1 − p_e), the first label against the second (for classes only;
/// null with <c>Missing</c> saying why when it cannot be computed). <c>Labellers</c>: each person's
/// labels and skips, and their agreement with whoever else labelled the same items.
/// </summary>
public sealed record LabelAgreement(int Compared, int Agreed, double? Kappa, string? Missing, IReadOnlyList<LabellerAgreement> Labellers);

/// <summary>One labeller's work and agreement: their label against the other label of each item both gave one.</summary>
public sealed record LabellerAgreement(string Labeller, int Labels, int Skips, int Compared, int Agreed, double? Kappa);

public static class LabelAgreements
{
    /// <summary>The agreement of a queue's labels (each item's in the order given).</summary>
    public static LabelAgreement Of(LabelQueueDefinition queue, IReadOnlyList<ItemLabel> labels)
    {
        var pairs = new List<(string FirstBy, string First, string SecondBy, string Second)>();
        foreach (var item in labels.GroupBy(l => l.PredictionId, StringComparer.Ordinal))
        {
            var given = item.OrderBy(l => l.Time).Where(l => !l.Skipped).Take(2).ToList();
            if (given.Count == 2)
            {
                pairs.Add((given[0].Labeller, given[0].Label!, given[1].Labeller, given[1].Label!));
            }
        }
        var classes = queue.Choices is not null;
        var people = labels.GroupBy(l => l.Labeller, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var theirs = pairs.Where(p => p.FirstBy == g.Key || p.SecondBy == g.Key)
                .Select(p => p.FirstBy == g.Key ? (Mine: p.First, Other: p.Second) : (Mine: p.Second, Other: p.First)).ToList();
            return new LabellerAgreement(g.Key, g.Count(l => !l.Skipped), g.Count(l => l.Skipped), theirs.Count,
                theirs.Count(p => LabelConsolidation.Agree(p.Mine, p.Other, queue)), classes ? CohenKappa(theirs) : null);
        }).ToList();
        var agreed = pairs.Count(p => LabelConsolidation.Agree(p.First, p.Second, queue));
        var kappa = classes ? CohenKappa([.. pairs.Select(p => (p.First, p.Second))]) : null;
        var missing = !classes ? "kappa is for classes: a regression's two labels agree within the queue's tolerance"
            : pairs.Count == 0 ? "no item has two labels yet"
            : kappa is null ? "every label of the compared items is one class, so agreement by chance is certain and kappa is undefined"
            : null;
        return new LabelAgreement(pairs.Count, agreed, kappa, missing, people);
    }

    /// <summary>Cohen's kappa of two raters' labels of the same items; null for none, or when chance agreement is certain (p_e = 1).</summary>
    public static double? CohenKappa(IReadOnlyList<(string A, string B)> pairs)
    {
        if (pairs.Count == 0)
        {
            return null;
        }
        double n = pairs.Count;
        var observed = pairs.Count(p => p.A == p.B) / n;
        var a = pairs.GroupBy(p => p.A, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / n, StringComparer.Ordinal);
        var b = pairs.GroupBy(p => p.B, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count() / n, StringComparer.Ordinal);
        var chance = a.Sum(kv => kv.Value * b.GetValueOrDefault(kv.Key));
        return chance >= 1 - 1e-12 ? null : (observed - chance) / (1 - chance);
    }
}
