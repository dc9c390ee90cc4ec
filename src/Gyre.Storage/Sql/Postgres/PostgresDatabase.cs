using System.Data;
using System.Data.Common;
using Gyre.Core.Errors;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>
/// The metadata database on a PostgreSQL server, shared by every Gyre process that names it.
/// Writes run at SERIALIZABLE, so a store's read-then-write is as safe as behind SQLite's single
/// writer, across processes too; a transaction that loses a race (serialization failure, deadlock)
/// is retried a bounded number of times. Under contention this process stops racing itself: once a
/// write has lost twice, its writes take turns for a second (the lost races that remain are with
/// other processes, and the retries absorb those). Reads run in one REPEATABLE READ snapshot.
/// </summary>
internal sealed class PostgresDatabase : SqlDatabase
{
    /// <summary>How many times a write that lost a race runs in all; past that the caller gets a 503.</summary>
    public const int WriteAttempts = 10;

    /// <summary>How long this process's writes take turns after a write lost a race twice.</summary>
    private const long TakeTurnsMs = 1_000;

    private readonly NpgsqlDataSource _source;
    private readonly SemaphoreSlim _turns = new(1, 1);
    private long _takeTurnsUntil;

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
            throw Unavailable(error);
        }
    }

    /// <summary>As <see cref="OpenAsync"/>, for a thread of its own that blocks (the prediction log's table writer).</summary>
    public NpgsqlConnection Open()
    {
        try
        {
            return _source.OpenConnection();
        }
        catch (Exception e) when (PostgresFailures.Unavailable(e, Location) is { } error)
        {
            throw Unavailable(error);
        }
    }

    /// <summary>
    /// The server went away or refused: the idle connections in the pool are likely dead too, so
    /// they are dropped, and the first calls after the server returns open fresh ones.
    /// </summary>
    private GyreException Unavailable(GyreException error)
    {
        _source.Clear();
        return error;
    }

    /// <summary>
    /// A read whose pooled connection turns out broken (the server restarted since the connection was
    /// opened) runs once more on a fresh one: a read can always run again.
    /// </summary>
    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenAsync(ct);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
                var result = await work(connection);
                await transaction.CommitAsync(ct);
                return result;
            }
            catch (Exception e) when (attempt == 1 && e is not GyreException && PostgresFailures.BrokenConnection(e))
            {
                _source.Clear();
            }
            catch (Exception e) when (e is not GyreException && PostgresFailures.Unavailable(e, Location) is { } error)
            {
                throw Unavailable(error);
            }
        }
    }

    /// <remarks>
    /// A write whose pooled connection breaks before it commits runs once more on a fresh one (the
    /// server rolled it back); one that breaks while committing is a 503, because it may have
    /// committed and running it again could do it twice.
    /// </remarks>
    public override Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => WriteAtAsync(work, IsolationLevel.Serializable, ct);

    public override Task<T> ClaimAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => WriteAtAsync(work, IsolationLevel.ReadCommitted, ct);

    private async Task<T> WriteAtAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, IsolationLevel isolation, CancellationToken ct)
    {
        var reconnected = false;
        for (var attempt = 1; ; attempt++)
        {
            var progress = new WriteProgress();
            var takeTurns = attempt > 2 || Environment.TickCount64 < Interlocked.Read(ref _takeTurnsUntil);
            if (takeTurns)
            {
                await _turns.WaitAsync(ct);
            }
            try
            {
                return await WriteOnceAsync(work, isolation, progress, ct);
            }
            catch (Exception e) when (!reconnected && !progress.Committing && e is not GyreException && PostgresFailures.BrokenConnection(e))
            {
                reconnected = true;
                _source.Clear();
                continue;
            }
            catch (PostgresException e) when (PostgresFailures.LostARace(e) && attempt < WriteAttempts)
            {
                if (attempt >= 2)
                {
                    Interlocked.Exchange(ref _takeTurnsUntil, Environment.TickCount64 + TakeTurnsMs);
                }
            }
            catch (PostgresException e) when (PostgresFailures.LostARace(e))
            {
                throw new GyreException(ErrorCode.Unavailable, "the metadata database is busy with conflicting writes; retry", inner: e);
            }
            catch (Exception e) when (e is not GyreException && PostgresFailures.Unavailable(e, Location) is { } error)
            {
                throw Unavailable(error);
            }
            finally
            {
                if (takeTurns)
                {
                    _turns.Release();
                }
            }
            // Full-jitter exponential backoff (capped at a quarter second), so that the writers that
            // collided (in other processes too) spread out instead of colliding again.
            await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1, Math.Min(250, 4 << attempt))), ct);
        }
    }

    private async Task<T> WriteOnceAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, IsolationLevel isolation, WriteProgress progress, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(isolation, ct);
        var result = await work(connection, transaction);
        await Coordination.SqlLeaseStore.FenceCurrentAsync(connection, transaction, Dialect, ct);
        progress.Committing = true;
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>How far one attempt at a write got: past the commit request, its outcome is unknown.</summary>
    private sealed class WriteProgress
    {
        public bool Committing { get; set; }
    }

    public override Task<int> MigrateAsync(CancellationToken ct) => PostgresMigrator.MigrateAsync(this, ct);

    public override Task<int> SchemaVersionAsync(CancellationToken ct) => PostgresMigrator.SchemaVersionAsync(this, ct);

    public override void Dispose()
    {
        _turns.Dispose();
        _source.Dispose();
    }
}
