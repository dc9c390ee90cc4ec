using Gyre.Core.Errors;

namespace Gyre.Core.Data.Validation;

/// <summary>
/// Checks a suite against a version's schema before any data is read, and judges measured
/// values. Every problem of a suite is reported, each naming its constraint's index and field.
/// </summary>
public static class SuiteChecks
{
    public static IReadOnlyList<Constraint> Validate(ValidationSuite? suite, IReadOnlyList<ColumnSchema> columns)
    {
        if (suite?.Constraints is not { Count: > 0 } constraints)
        {
            throw GyreException.Invalid("constraints: expected at least one constraint");
        }
        var problems = new List<string>();
        for (var i = 0; i < constraints.Count; i++)
        {
            var field = $"constraints[{i}]";
            if (constraints[i] is not { } c)
            {
                problems.Add($"{field}: expected an object, got null");
                continue;
            }
            if (c.Type is null || !ConstraintTypes.All.Contains(c.Type))
            {
                problems.Add($"{field}.type: expected one of {string.Join(", ", ConstraintTypes.All)}, got '{c.Type}'");
                continue;
            }
            if (c.Type == ConstraintTypes.Satisfies)
            {
                try
                {
                    RowPredicates.Parse(c.Predicate, columns, $"{field}.predicate");
                }
                catch (GyreException e)
                {
                    problems.Add(e.Message);
                }
            }
            else if (c.Type != ConstraintTypes.HasSize)
            {
                var column = columns.FirstOrDefault(s => s.Name == c.Column);
                if (column is null)
                {
                    problems.Add($"{field}.column: {(c.Column is null ? "expected a column name" : $"the dataset has no column '{c.Column}'")}");
                }
                else if (ConstraintTypes.NeedsNumericColumn(c.Type) && column.Type is not (ColumnType.Integer or ColumnType.Float))
                {
                    problems.Add($"{field}.column: {c.Type} needs a numeric column, '{c.Column}' is {column.Type.ToString().ToLowerInvariant()}");
                }
            }
            if (ConstraintTypes.IsRange(c.Type) && c.Min is null && c.Max is null)
            {
                problems.Add($"{field}: {c.Type} needs min, max or both");
            }
            if (c.Min > c.Max)
            {
                problems.Add($"{field}: min {c.Min} is above max {c.Max}");
            }
            if (c.Mostly is < 0 or > 1 || c.Mostly is double.NaN)
            {
                problems.Add($"{field}.mostly: expected a fraction from 0 to 1, got {c.Mostly}");
            }
            if (c.Type == ConstraintTypes.IsContainedIn && c.Values is not { Count: > 0 })
            {
                problems.Add($"{field}.values: is_contained_in needs the allowed values");
            }
            for (var j = 0; j < (c.Values?.Count ?? 0); j++)
            {
                if (c.Values![j] is null)
                {
                    problems.Add($"{field}.values[{j}]: expected a string, got null");
                }
            }
            if (c.Type == ConstraintTypes.HasCompleteness && c.Mostly is null)
            {
                problems.Add($"{field}.mostly: has_completeness needs the fraction that must be present");
            }
            if (c.Type == ConstraintTypes.HasPattern && string.IsNullOrEmpty(c.Pattern))
            {
                problems.Add($"{field}.pattern: has_pattern needs a regular expression");
            }
        }
        GyreException.ThrowIfAny(problems);
        return constraints;
    }

    /// <summary>Whether an observed value meets a constraint, and the expectation in words.</summary>
    public static (bool Passed, string Expectation) Judge(Constraint c, double? observed)
    {
        if (ConstraintTypes.IsRange(c.Type!))
        {
            var expectation = (c.Min, c.Max) switch
            {
                ({ } min, { } max) => $"between {min} and {max}",
                ({ } min, null) => $">= {min}",
                (null, { } max) => $"<= {max}",
                _ => "",
            };
            return (observed is { } v && (c.Min is null || v >= c.Min) && (c.Max is null || v <= c.Max), expectation);
        }
        var mostly = c.Type == ConstraintTypes.IsComplete ? 1.0 : c.Mostly ?? 1.0;
        return (observed is { } f && f >= mostly, $"a fraction >= {mostly}");
    }
}
