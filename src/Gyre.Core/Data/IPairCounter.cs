namespace Gyre.Core.Data;

/// <summary>Counts a stored version's rows by the values of two columns, as text (null for a missing value).</summary>
public interface IPairCounter
{
    Task<IReadOnlyList<PairCount>> CountAsync(string path, DatasetVersion version, string first, string second, CancellationToken ct);
}

/// <summary>How many rows have <c>First</c> in the first column and <c>Second</c> in the second.</summary>
public sealed record PairCount(string? First, string? Second, long Count);
