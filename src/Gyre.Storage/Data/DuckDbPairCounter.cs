using Gyre.Core.Data;

namespace Gyre.Storage.Data;

/// <summary>Counts rows by two columns' values with one DuckDB GROUP BY over the stored file.</summary>
internal sealed class DuckDbPairCounter(string tempDirectory) : IPairCounter
{
    public Task<IReadOnlyList<PairCount>> CountAsync(string path, DatasetVersion version, string first, string second, CancellationToken ct) =>
        Task.Run<IReadOnlyList<PairCount>>(() =>
        {
            using var spilling = DuckDbSql.Open(tempDirectory, ct);
            DuckDbTableLoader.LoadStored(spilling, path, version);
            var (a, b) = (DuckDbSql.Quote(first), DuckDbSql.Quote(second));
            return DuckDbSql.Query(spilling.Connection, $"SELECT {a}::VARCHAR, {b}::VARCHAR, count(*) FROM {DuckDbTableLoader.Table} GROUP BY ALL",
                r => new PairCount(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt64(2)));
        }, ct);
}
