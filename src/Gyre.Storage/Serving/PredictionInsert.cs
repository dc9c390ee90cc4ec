using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gyre.Storage.Serving;

/// <summary>
/// The log's one prepared insert, driven through SQLite's own interface: bind, step, reset. A row
/// of the table writer's batches costs only SQLite's work, without a data reader and a statement
/// enumeration per row, which were about half of the writer's time under load.
/// </summary>
internal sealed class PredictionInsert : IDisposable
{
    private const string Sql = """
        INSERT OR IGNORE INTO predictions (prediction_id, endpoint, variant, model_name, model_version, time, latency_ms, inputs, outputs, routing)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
        """;

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public PredictionInsert(SqliteConnection connection)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
    }

    /// <summary>
    /// Inserts one encoded record (<see cref="PredictionRecordCodec"/>), ignored when its id is there
    /// already; call within the connection's transaction. Its text goes to SQLite as the UTF-8 it
    /// already is.
    /// </summary>
    public void Execute(ReadOnlySpan<byte> payload)
    {
        var record = new PredictionRecordReader(payload);
        try
        {
            Check(raw.sqlite3_bind_text(_statement, 1, record.Utf8()));
            Check(raw.sqlite3_bind_text(_statement, 2, record.Utf8()));
            Check(raw.sqlite3_bind_text(_statement, 3, record.Utf8()));
            Check(raw.sqlite3_bind_text(_statement, 4, record.Utf8()));
            Check(raw.sqlite3_bind_int64(_statement, 5, record.Int64()));
            Check(raw.sqlite3_bind_int64(_statement, 6, record.Int64()));
            Check(raw.sqlite3_bind_double(_statement, 7, record.Double()));
            Check(raw.sqlite3_bind_text(_statement, 8, record.Utf8()));
            Check(raw.sqlite3_bind_text(_statement, 9, record.Utf8()));
            Check(raw.sqlite3_bind_text(_statement, 10, record.Utf8()));
            if (record.Failed || !record.AtEnd)
            {
                throw new InvalidDataException("prediction log: an encoded record is not whole");
            }
            var done = raw.sqlite3_step(_statement);
            if (done != raw.SQLITE_DONE)
            {
                Check(done);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);
        }
    }
}
