namespace Gyre.Core.Search;

/// <summary>The syntax tree of a filter: comparisons joined by AND, OR and NOT.</summary>
public abstract record FilterExpression;

/// <summary>Both sides hold.</summary>
public sealed record AndExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary>Either side holds.</summary>
public sealed record OrExpression(FilterExpression Left, FilterExpression Right) : FilterExpression;

/// <summary>The inner expression does not hold.</summary>
public sealed record NotExpression(FilterExpression Inner) : FilterExpression;

/// <summary>
/// One comparison. <paramref name="Value"/> is a double for numeric fields, a string for
/// string fields, a list of strings for IN, and null for IS [NOT] NULL.
/// </summary>
public sealed record ComparisonExpression(FieldRef Field, Comparator Comparator, object? Value) : FilterExpression;
