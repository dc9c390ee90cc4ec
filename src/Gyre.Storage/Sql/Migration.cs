namespace Gyre.Storage.Sql;

/// <summary>One versioned schema change. Versions only grow; a shipped migration never changes.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
