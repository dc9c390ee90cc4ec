namespace Gyre.Core.Data;

/// <summary>One column of a dataset version: its name, inferred type, whether values are missing, and the engine's own type.</summary>
public sealed record ColumnSchema(string Name, ColumnType Type, bool Nullable, string EngineType);
