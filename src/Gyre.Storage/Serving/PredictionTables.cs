using System.Data.Common;
using Gyre.Core.Errors;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>
/// Where the prediction log keeps its tables (<see cref="PredictionBlocks"/>): a SQLite file of its
/// own beside the embedded home, or the PostgreSQL database every Gyre process shares. The log's
/// journal stays on the local disk either way; only the table writer and the queries come here.
/// </summary>
internal abstract class PredictionTables : IDisposable
{
    public abstract SqlDialect Dialect { get; }

    /// <summary>
    /// Writes a batch of encoded records as blocks in one transaction. With <paramref name="sync"/>
    /// the commit waits for the disk; without, it may be lost to a crash (the journal still holds
    /// those records). Runs on the table writer's thread, which blocks meanwhile.
    /// </summary>
    public abstract void Commit(IEnumerable<EncodedRecords> batch, bool sync);

    /// <summary>A connection for queries and feedback, beside the table writer.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>A failure that says the tables are unreachable for now (a 503 naming them), or null for any other.</summary>
    public virtual GyreException? Unavailable(Exception e) => null;

    public abstract void Dispose();
}
