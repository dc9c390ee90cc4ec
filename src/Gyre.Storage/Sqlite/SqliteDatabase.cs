using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sqlite;

/// <summary>
/// Opens connections to one SQLite file and runs work on them. Writes in this process take
/// turns behind one gate and run in <c>BEGIN IMMEDIATE</c> transactions, so writers never
/// meet "database is locked" inside a process; across processes the busy timeout waits instead.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
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

    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await work(connection);
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction: it commits if the work returns, and rolls back if it throws.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            await using var connection = await OpenAsync(ct);
            // Not deferred: BEGIN IMMEDIATE takes the write lock up front, so no reader-to-writer upgrade can deadlock.
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task WriteAsync(Func<SqliteConnection, SqliteTransaction, Task> work, CancellationToken ct) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t); return true; }, ct);

    public void Dispose() => _writeGate.Dispose();
}
