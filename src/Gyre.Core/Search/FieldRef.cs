namespace Gyre.Core.Search;

/// <summary>A resolved identifier: <c>metrics.rmse</c> is (Metric, "rmse"); <c>attributes.status</c> is (Attribute, "status").</summary>
public sealed record FieldRef(FieldKind Kind, string Key, FilterValueType Type)
{
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}s.{Key}";
}
