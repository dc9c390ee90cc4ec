namespace Gyre.Core.Data.Validation;

/// <summary>A named list of constraints checked together against a dataset version.</summary>
public sealed record ValidationSuite(IReadOnlyList<Constraint>? Constraints, string? Name = null);
