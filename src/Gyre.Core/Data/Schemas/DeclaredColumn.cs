namespace Gyre.Core.Data.Schemas;

/// <summary>
/// What a schema says of one column; every part is optional. <c>Type</c> overrides the inferred
/// type when the data allows it, <c>Nullable</c> false forbids missing values, and <c>Values</c> is
/// the categorical domain: every non-missing value must be one of them.
/// </summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record DeclaredColumn(
    ColumnType? Type = null,
    ColumnRole? Role = null,
    bool? Nullable = null,
    IReadOnlyList<string>? Values = null);
