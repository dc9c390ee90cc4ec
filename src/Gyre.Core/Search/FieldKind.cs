namespace Gyre.Core.Search;

/// <summary>What a filter identifier refers to.</summary>
public enum FieldKind
{
    Metric,
    Param,
    Tag,
    Attribute,
}
