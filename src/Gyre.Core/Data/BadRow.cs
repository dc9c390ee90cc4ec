namespace Gyre.Core.Data;

/// <summary>One malformed row: its 1-based line in the file and what was wrong with it.</summary>
public sealed record BadRow(long Line, string Error);
