using System.Data.Common;
using Gyre.Storage.Sql;
using Gyre.Storage.Sql.Sqlite;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Serving;

/// <summary>
/// The log's tables in a SQLite file of their own (WAL), apart from the home's metadata file, so
/// that the log's steady writes never wait behind (or hold up) the stores' transactions. One
/// connection writes; each query opens its own (WAL lets them read while it writes).
/// </summary>
internal sealed class SqlitePredictionTables : PredictionTables
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SqliteBlockWriter _blocks;

    public SqlitePredictionTables(string path)
    {
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 60 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute("""
            -- 8 KiB pages (set only when the file is created): a block of a few hundred records
            -- takes a few pages of its own.
            PRAGMA page_size = 8192;
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 60000;
            """);
        PredictionLogUpgrade.Run(_writer);
        Execute(PredictionBlocks.Schema);
        PredictionLogUpgrade.AddFeedbackSource(_writer);
        _blocks = new SqliteBlockWriter(_writer);
    }

    public override SqlDialect Dialect => SqliteDialect.Instance;

    public override void Commit(IEnumerable<EncodedRecords> batch, bool sync)
    {
        // FULL waits for the disk; NORMAL (in WAL mode) only reaches the operating system.
        Execute(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        using var transaction = _writer.BeginTransaction();
        _blocks.AddAll(batch);
        transaction.Commit();
    }

    public override async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync("PRAGMA busy_timeout = 60000", null, ct);
        return connection;
    }

    public override void Dispose()
    {
        _blocks.Dispose();
        _writer.Dispose();
    }

    private void Execute(string sql)
    {
        using var command = _writer.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
