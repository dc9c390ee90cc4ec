using Gyre.Core.Data.Schemas;

namespace Gyre.Core.Data;

/// <summary>
/// One column of a dataset version: its name, its type (inferred, or declared by the dataset's
/// schema), whether values are missing, the engine's own type, and its role in training.
/// </summary>
public sealed record ColumnSchema(string Name, ColumnType Type, bool Nullable, string EngineType, ColumnRole Role = ColumnRole.Feature);
