namespace Gyre.Core.Data.Schemas;

/// <summary>How many non-missing values of a column lie outside its declared domain, with a few of them.</summary>
public sealed record DomainViolation(string Column, long Count, IReadOnlyList<string> Examples);
