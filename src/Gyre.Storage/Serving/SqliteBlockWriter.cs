using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Gyre.Storage.Serving;

/// <summary>
/// Writes blocks into the SQLite file through SQLite's own interface (bind, step, reset) on one
/// prepared insert, with no ADO.NET command or parameter objects per block.
/// </summary>
internal sealed class SqliteBlockWriter : PredictionBlockBuilder
{
    private const string Sql = "INSERT INTO prediction_blocks (endpoint, first_time, last_time, records, payload) VALUES (?1, ?2, ?3, ?4, ?5)";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public SqliteBlockWriter(SqliteConnection connection)
    {
        _db = connection.Handle!;
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _statement));
    }

    public override void Dispose() => _statement.Dispose();

    protected override void Write(OpenBlock block)
    {
        try
        {
            Check(raw.sqlite3_bind_text(_statement, 1, block.Endpoint));
            Check(raw.sqlite3_bind_int64(_statement, 2, block.First));
            Check(raw.sqlite3_bind_int64(_statement, 3, block.Last));
            Check(raw.sqlite3_bind_int(_statement, 4, block.Count));
            Check(raw.sqlite3_bind_blob(_statement, 5, block.Payload.Span));
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

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);
        }
    }
}
