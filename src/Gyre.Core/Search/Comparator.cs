namespace Gyre.Core.Search;

/// <summary>The comparisons of the search language.</summary>
public enum Comparator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    ILike,
    In,
    NotIn,
    IsNull,
    IsNotNull,
}
