namespace Gyre.Core.Data.Validation;

/// <summary>
/// One data-quality constraint, Deequ's model. <paramref name="Type"/> is one of
/// <see cref="ConstraintTypes.All"/>; the other members apply as each type needs (see docs/api.md).
/// <paramref name="Mostly"/> is the fraction of values that must comply (Great Expectations' name),
/// default 1.
/// </summary>
public sealed record Constraint(
    string? Type,
    string? Column = null,
    double? Min = null,
    double? Max = null,
    double? Mostly = null,
    IReadOnlyList<string>? Values = null,
    string? Pattern = null,
    ConstraintSeverity Severity = ConstraintSeverity.Error,
    string? Predicate = null);
