using Gyre.Core.Errors;

namespace Gyre.Core.Data.Bias;

/// <summary>
/// Bias metrics from rows grouped by (sensitive value, observed label, predicted label): every value
/// of the sensitive column as facet d against all other rows as facet a, Clarify's way. The same
/// counts serve a dataset (no predictions: pre-training metrics) and an evaluation (both).
/// </summary>
public static class BiasAnalysis
{
    /// <summary>At most this many groups: a column with more (an age, an income) needs bands first.</summary>
    public const int MaxFacets = 50;

    /// <summary>A count of rows with a sensitive value, a label and, after training, a predicted label (null before).</summary>
    public readonly record struct Group(string? Facet, string? Label, string? Predicted, long Count);

    /// <summary>
    /// The report; the request's problems (one group, too many, an unknown facet or favourable value)
    /// are one error naming each field as <paramref name="fields"/> (default: the query's) calls it.
    /// </summary>
    public static BiasReport Analyse(string data, string sensitive, string label, BiasRequest request, IReadOnlyList<Group> groups,
        string? defaultFavourable = null, BiasFields? fields = null)
    {
        fields ??= BiasFields.Query;
        var kept = groups.Where(g => g.Facet is not null && g.Label is not null).ToList();
        var excluded = groups.Where(g => g.Facet is null || g.Label is null).Sum(g => g.Count);
        var values = kept.GroupBy(g => g.Facet!, StringComparer.Ordinal).Select(g => (Value: g.Key, Rows: g.Sum(x => x.Count)))
            .OrderByDescending(v => v.Rows).ThenBy(v => v.Value, StringComparer.Ordinal).ToList();
        var labels = kept.Select(g => g.Label!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        if (values.Count < 2)
        {
            problems.Add($"{fields.Sensitive}: '{sensitive}' has {(values.Count == 0 ? "no value" : $"one value ('{values[0].Value}')")} in {data}; bias compares groups, so it needs at least two");
        }
        else if (request.Facet is { } facet && !values.Any(v => v.Value == facet))
        {
            problems.Add($"{fields.Facet}: '{facet}' is not a value of '{sensitive}' in {data} (its values: {List(values.Select(v => v.Value))})");
        }
        else if (request.Facet is null && values.Count > MaxFacets)
        {
            problems.Add($"{fields.Sensitive}: '{sensitive}' has {values.Count} values in {data}; expected at most {MaxFacets} groups (band a column such as an age first), or name one with facet");
        }
        var favourable = request.Favourable ?? Default(labels) ?? defaultFavourable;
        if (favourable is null)
        {
            problems.Add($"{fields.Favourable}: name the favourable value of '{label}' (its values: {List(labels)})");
        }
        else if (!labels.Contains(favourable) && favourable != defaultFavourable)
        {
            problems.Add($"{fields.Favourable}: '{favourable}' is not a value of '{label}' in {data} (its values: {List(labels)})");
        }
        GyreException.ThrowIfAny(problems);

        var predicted = kept.Any(g => g.Predicted is not null);
        var all = Counts(kept, favourable!);
        var allLabels = LabelCounts(kept);
        var facets = new List<FacetBias>();
        foreach (var (value, _) in values.Where(v => request.Facet is null || v.Value == request.Facet))
        {
            var inside = kept.Where(g => g.Facet == value).ToList();
            var d = Counts(inside, favourable!);
            var a = all - d;
            var labelsD = LabelCounts(inside);
            var labelsA = allLabels.ToDictionary(l => l.Key, l => l.Value - labelsD.GetValueOrDefault(l.Key), StringComparer.Ordinal);
            facets.Add(new FacetBias(value, d.Rows, a.Rows, Share(d.Positive, d.Rows), Share(a.Positive, a.Rows), PretrainingBias.Of(labelsA, labelsD, favourable!),
                predicted ? Share(d.PredictedPositive, d.Rows) : null, predicted ? Share(a.PredictedPositive, a.Rows) : null,
                predicted ? PosttrainingBias.Of(a, d) : null));
        }
        return new BiasReport(data, sensitive, label, favourable!, all.Rows, excluded, facets);
    }

    /// <summary><c>true</c> or <c>1</c> when the label is two-valued and has it; null otherwise.</summary>
    private static string? Default(List<string> labels) =>
        labels.Count == 2 && labels.Contains("true", StringComparer.Ordinal) && labels.Contains("false", StringComparer.Ordinal) ? "true"
        : labels.Count == 2 && labels.Contains("1", StringComparer.Ordinal) && labels.Contains("0", StringComparer.Ordinal) ? "1"
        : null;

    private static FacetCounts Counts(IEnumerable<Group> groups, string favourable)
    {
        long n = 0, positive = 0, predicted = 0, tp = 0, fp = 0, fn = 0;
        foreach (var g in groups)
        {
            var observed = g.Label == favourable;
            var said = g.Predicted == favourable;
            n += g.Count;
            positive += observed ? g.Count : 0;
            predicted += said ? g.Count : 0;
            tp += observed && said ? g.Count : 0;
            fp += !observed && said ? g.Count : 0;
            fn += observed && !said && g.Predicted is not null ? g.Count : 0;
        }
        return new FacetCounts(n, positive, predicted, tp, fp, fn);
    }

    private static Dictionary<string, long> LabelCounts(IEnumerable<Group> groups) =>
        groups.GroupBy(g => g.Label!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);

    private static double Share(long part, long whole) => whole == 0 ? 0 : part / (double)whole;

    private static string List(IEnumerable<string> values)
    {
        var all = values.ToList();
        return string.Join(", ", all.Take(20)) + (all.Count > 20 ? $", … ({all.Count} in all)" : "");
    }
}
