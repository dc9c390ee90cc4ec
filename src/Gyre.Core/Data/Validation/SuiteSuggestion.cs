using System.Globalization;

namespace Gyre.Core.Data.Validation;

/// <summary>
/// Proposes a suite from a profile with Deequ's default rules: complete if complete, retain
/// completeness, unique if unique, categorical range (all values seen), fractional categorical
/// range (the top values, when they cover at least 90 %), non-negative numbers. Deequ's
/// retain-type rule has no constraint here yet: the schema already records types.
/// </summary>
public static class SuiteSuggestion
{
    public static ValidationSuite From(DatasetProfile profile, string name)
    {
        // The size first: it makes a suite of an empty or all-missing dataset non-empty, and holds for the data.
        var constraints = new List<Constraint> { new(ConstraintTypes.HasSize, Min: profile.Rows > 0 ? 1 : 0, Max: profile.Rows > 0 ? null : 0) };
        foreach (var column in profile.Columns.Where(c => c.Count > 0))
        {
            if (column.Missing == 0)
            {
                constraints.Add(new Constraint(ConstraintTypes.IsComplete, column.Name));
            }
            else
            {
                // Round down to two places so that the same data passes its own suggestion.
                var completeness = Math.Floor((double)column.Count / profile.Rows * 100) / 100;
                constraints.Add(new Constraint(ConstraintTypes.HasCompleteness, column.Name, Mostly: completeness));
            }
            if (!column.DistinctApproximate && column.Distinct == column.Count && column.Missing == 0 && profile.Rows > 1)
            {
                constraints.Add(new Constraint(ConstraintTypes.IsUnique, column.Name));
            }
            if (column.Type is ColumnType.Categorical or ColumnType.Boolean && column.TopValues is { Count: > 0 } top)
            {
                var covered = top.Sum(v => v.Count);
                if (column.Distinct <= top.Count && covered == column.Count)
                {
                    constraints.Add(new Constraint(ConstraintTypes.IsContainedIn, column.Name, Values: top.Select(v => v.Value).ToList()));
                }
                else if ((double)covered / column.Count >= 0.9)
                {
                    var share = Math.Floor((double)covered / column.Count * 100) / 100;
                    constraints.Add(new Constraint(ConstraintTypes.IsContainedIn, column.Name, Values: top.Select(v => v.Value).ToList(), Mostly: share));
                }
            }
            if (column.Type is ColumnType.Integer or ColumnType.Float && column.Min >= 0)
            {
                constraints.Add(new Constraint(ConstraintTypes.IsNonNegative, column.Name));
            }
        }
        return new ValidationSuite(constraints, $"suggested for {name}, {profile.Rows.ToString(CultureInfo.InvariantCulture)} rows");
    }
}
