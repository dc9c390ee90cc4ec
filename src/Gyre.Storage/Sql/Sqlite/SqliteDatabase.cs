using System.Data.Common;
using Gyre.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sql.Sqlite;

/// <summary>
/// Opens connections to one SQLite file and runs work on them. Writes in this process take
/// turns behind one gate and run in <c>BEGIN IMMEDIATE</c> transactions, so writers never
/// meet "database is locked" inside a process; across processes the busy timeout waits instead.
/// </summary>
internal sealed class SqliteDatabase : SqlDatabase
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 60,
        }.ToString();
    }

    public string Path { get; }

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override string Location => Path;

    public async Task<SqliteConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        using var pragma = connection.CreateCommand();
        // WAL keeps readers and the writer apart; NORMAL sync is durable against process
        // crashes in WAL mode (only power loss can lose the last commits).
        pragma.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -16384;";
        await pragma.ExecuteNonQueryAsync(ct);
        return connection;
    }

    public override async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenAsync(ct);
            // A plain BEGIN, not BeginTransaction: the readers' commands carry no transaction object.
            await connection.ExecuteAsync("BEGIN DEFERRED", null, ct);
            try
            {
                return await work(connection);
            }
            finally
            {
                await connection.ExecuteAsync("COMMIT", null, CancellationToken.None);
            }
        }
        catch (SqliteException e) when (Unavailable(e) is { } error)
        {
            throw error;
        }
    }

    /// <summary>Writes in this process take turns behind one gate, so the work runs once.</summary>
    public override async Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            return await WriteInGateAsync(work, ct);
        }
        catch (SqliteException e) when (Unavailable(e) is { } error)
        {
            throw error;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<T> WriteInGateAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        // Not deferred: BEGIN IMMEDIATE takes the write lock up front, so no reader-to-writer upgrade can deadlock.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var result = await work(connection, transaction);
        await Coordination.SqlLeaseStore.FenceCurrentAsync(connection, transaction, Dialect, ct);
        transaction.Commit();
        return result;
    }

    /// <summary>Busy, locked, full or failing storage is a transient 503, not a bug; the message names no path (the log has the exception).</summary>
    private static GyreException? Unavailable(SqliteException e) => e.SqliteErrorCode switch
    {
        5 or 6 => new GyreException(ErrorCode.Unavailable, "the metadata database is busy; retry", inner: e),
        13 => new GyreException(ErrorCode.Unavailable, "the disk holding the metadata database is full; retry later", inner: e),
        10 => new GyreException(ErrorCode.Unavailable, "an I/O error on the metadata database; retry later", inner: e),
        _ => null,
    };

    public override Task<int> MigrateAsync(CancellationToken ct) => SqliteMigrator.MigrateAsync(this, ct);

    public override Task<int> SchemaVersionAsync(CancellationToken ct) => SqliteMigrator.SchemaVersionAsync(this, ct);

    public override void Dispose()
    {
        _writeGate.Dispose();
        // Pooled connections would keep the file open after the stores are gone.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
    }
}
