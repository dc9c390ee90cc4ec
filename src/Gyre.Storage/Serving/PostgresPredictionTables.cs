using System.Data;
using System.Data.Common;
using Gyre.Core.Errors;
using Gyre.Storage.Sql;
using Gyre.Storage.Sql.Postgres;
using Npgsql;

namespace Gyre.Storage.Serving;

/// <summary>
/// The log's tables in the shared PostgreSQL database (migration 13), so that every Gyre process
/// finds every prediction and its feedback. The table writer takes a pooled connection per batch
/// and writes the batch's blocks with one binary <c>COPY</c> in a READ COMMITTED transaction (it
/// only inserts, so it races no one); a batch that need not wait for the disk commits with
/// <c>synchronous_commit = off</c>, PostgreSQL's own "reaches the server, flushed shortly after".
/// </summary>
internal sealed class PostgresPredictionTables(PostgresDatabase database) : PredictionTables
{
    private readonly PostgresBlockWriter _blocks = new();

    public override SqlDialect Dialect => PostgresDialect.Instance;

    public override void Commit(IEnumerable<EncodedRecords> batch, bool sync)
    {
        using var connection = database.Open();
        using var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        if (!sync)
        {
            using var relax = new NpgsqlCommand("SET LOCAL synchronous_commit = off", connection, transaction);
            relax.ExecuteNonQuery();
        }
        _blocks.Begin(connection);
        _blocks.AddAll(batch);
        transaction.Commit();
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken ct) => await database.OpenAsync(ct);

    public override GyreException? Unavailable(Exception e) => PostgresFailures.Unavailable(e, database.Location);

    public override void Dispose() => _blocks.Dispose();
}
