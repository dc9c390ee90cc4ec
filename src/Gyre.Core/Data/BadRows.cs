namespace Gyre.Core.Data;

/// <summary>The malformed rows skipped while reading a file: how many, and the first few with their line numbers.</summary>
public sealed record BadRows(long Count, IReadOnlyList<BadRow> Examples)
{
    public const int MaxExamples = 10;
}
