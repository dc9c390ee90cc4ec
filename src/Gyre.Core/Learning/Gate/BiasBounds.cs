namespace Gyre.Core.Learning.Gate;

/// <summary>
/// Fairness bounds of a gate, on the candidate's predictions over the test data, for each value of
/// <c>SensitiveColumn</c> (default: the test data's column with role <c>sensitive</c>) against all
/// other rows, with <c>Favourable</c> the favourable class (default: a binary model's positive class):
/// the difference in positive proportions in predicted labels at most <c>MaxAbsDppl</c> either way,
/// and the disparate impact at least <c>MinDisparateImpact</c> (0.8 is the four-fifths rule).
/// </summary>
public sealed record BiasBounds(string? SensitiveColumn = null, string? Favourable = null, double? MaxAbsDppl = null, double? MinDisparateImpact = null)
{
    /// <summary>Each problem with the bounds, named with its field.</summary>
    public IEnumerable<string> Problems()
    {
        if (MaxAbsDppl is null && MinDisparateImpact is null)
        {
            yield return "bias: set max_abs_dppl, min_disparate_impact or both";
        }
        if (MaxAbsDppl is { } dppl && (!double.IsFinite(dppl) || dppl is < 0 or > 1))
        {
            yield return FormattableString.Invariant($"bias.max_abs_dppl: expected 0 to 1 (a difference of proportions), got {dppl}");
        }
        if (MinDisparateImpact is { } di && (!double.IsFinite(di) || di is < 0 or > 1))
        {
            yield return FormattableString.Invariant($"bias.min_disparate_impact: expected 0 to 1 (0.8 is the four-fifths rule), got {di}");
        }
    }
}
