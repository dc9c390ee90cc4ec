using System.Data;
using System.Data.Common;
using Gyre.Core.Errors;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>
/// The metadata database on a PostgreSQL server, shared by every Gyre process that names it.
/// Writes run at SERIALIZABLE, so a store's read-then-write is as safe as behind SQLite's single
/// writer, across processes too; a transaction that loses a race (serialization failure, deadlock)
/// is retried a bounded number of times. Reads run in one REPEATABLE READ snapshot.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    /// <summary>How many times a write that lost a race runs in all; past that the caller gets a 503.</summary>
    public const int WriteAttempts = 10;

    private readonly NpgsqlDataSource _source;

    public PostgresDatabase(NpgsqlDataSource source, string location)
    {
        _source = source;
        Location = location;
    }

    public override SqlDialect Dialect => PostgresDialect.Instance;

    public override string Location { get; }

    /// <summary>Opens a pooled connection; an unreachable server or a full pool is a 503, not a 500.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        try
        {
            return await _source.OpenConnectionAsync(ct);
        }
        catch (Exception e) when (PostgresFailures.Unavailable(e, Location) is { } error)
        {
            throw error;
        }
    }

    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            var result = await work(connection);
            await transaction.CommitAsync(ct);
            return result;
        }
        catch (Exception e) when (e is not GyreException && PostgresFailures.Unavailable(e, Location) is { } error)
        {
            throw error;
        }
    }

    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, ct);
                var result = await work(connection, transaction);
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (PostgresException e) when (PostgresFailures.LostARace(e) && attempt < WriteAttempts)
            {
                // Full-jitter exponential backoff (capped at a quarter second), so that the
                // transactions that collided spread out instead of colliding again.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(250, 4 << attempt))), ct);
            }
            catch (PostgresException e) when (PostgresFailures.LostARace(e))
            {
                throw new GyreException(ErrorCode.Unavailable, "the metadata database is busy with conflicting writes; retry", inner: e);
            }
            catch (Exception e) when (e is not GyreException && PostgresFailures.Unavailable(e, Location) is { } error)
            {
                throw error;
            }
        }
    }

    public override Task<int> MigrateAsync(CancellationToken ct) => PostgresMigrator.MigrateAsync(this, ct);

    public override Task<int> SchemaVersionAsync(CancellationToken ct) => PostgresMigrator.SchemaVersionAsync(this, ct);

    public override void Dispose() => _source.Dispose();
}
