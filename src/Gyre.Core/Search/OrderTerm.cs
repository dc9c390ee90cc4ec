namespace Gyre.Core.Search;

/// <summary>One term of an ordering such as <c>metrics.rmse DESC</c>.</summary>
public sealed record OrderTerm(FieldRef Field, bool Descending);
