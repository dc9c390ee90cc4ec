namespace Gyre.Core.Data.Validation;

/// <summary>The outcome of one constraint: what was measured and what was expected.</summary>
public sealed record ConstraintResult(int Index, string Type, string? Column, ConstraintSeverity Severity, bool Passed, double? Observed, string Expectation);
