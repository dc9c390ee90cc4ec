namespace Gyre.Core.Search;

/// <summary>The type a field compares as: numbers take every comparison, strings take =, !=, LIKE, ILIKE, IN.</summary>
public enum FilterValueType
{
    Number,
    String,
}
