namespace Gyre.Core.Data.Schemas;

/// <summary>
/// The declared schema of a dataset: the columns it names, in order, and whether versions may hold
/// columns it does not name (they are features of their inferred type). Versions added while a
/// schema is set are checked against it, column by column.
/// </summary>
[System.Text.Json.Serialization.JsonUnmappedMemberHandling(System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow)]
public sealed record DatasetSchema(IReadOnlyDictionary<string, DeclaredColumn> Columns, bool AllowExtraColumns = true);
