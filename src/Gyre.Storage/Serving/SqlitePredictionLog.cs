using System.Globalization;
using System.Threading.Channels;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log in its own SQLite file (WAL). One writer drains a queue and commits what it
/// finds in one transaction — group commit — with <c>synchronous = FULL</c>, so that a commit is on
/// disk when it returns; durable appends wait for their commit, fast ones do not. Fast mode bounds
/// its queue at <see cref="MaxQueuedRecords"/> records and drops (and counts) beyond it: what a
/// crash can lose is at most what is queued, and the writer empties the queue continuously.
/// </summary>
public sealed partial class SqlitePredictionLog : IPredictionLog, IDisposable
{
    public const int MaxQueuedRecords = 100_000;

    /// <summary>At most this many records per commit, so one commit never holds the writer long.</summary>
    public const int MaxGroupRecords = 8192;

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _writer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private long _queued;
    private long _dropped;

    private SqlitePredictionLog(string path, TimeProvider time)
    {
        _time = time;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 60 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        Execute(_writer, """
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            PRAGMA busy_timeout = 60000;
            -- A rowid table: rows of a few hundred bytes append at the end of the table, and the
            -- ids (time-ordered UUIDv7) and the (endpoint, time) index append at the end of theirs.
            CREATE TABLE IF NOT EXISTS predictions (
                row INTEGER PRIMARY KEY,
                prediction_id TEXT NOT NULL UNIQUE,
                endpoint TEXT NOT NULL,
                variant TEXT NOT NULL,
                model_name TEXT NOT NULL,
                model_version INTEGER NOT NULL,
                time INTEGER NOT NULL,
                latency_ms REAL NOT NULL,
                inputs TEXT NOT NULL,
                outputs TEXT NOT NULL,
                routing TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS predictions_by_endpoint ON predictions (endpoint, time);
            -- Ground truth, joined by id; the first report of an id is kept.
            CREATE TABLE IF NOT EXISTS feedback (
                prediction_id TEXT PRIMARY KEY,
                actual TEXT NOT NULL,
                time INTEGER NOT NULL
            ) WITHOUT ROWID;
            """);
        _loop = Task.Run(WriteLoopAsync);
    }

    public static SqlitePredictionLog Open(string path, TimeProvider time) => new(path, time);

    public long QueueDepth => Interlocked.Read(ref _queued);

    public long Dropped => Interlocked.Read(ref _dropped);

    public ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, bool durable, CancellationToken ct)
    {
        if (durable)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Add(ref _queued, records.Count);
            if (!_queue.Writer.TryWrite(new Pending(records, done)))
            {
                Interlocked.Add(ref _queued, -records.Count);
                throw new GyreException(ErrorCode.Unavailable, "prediction log: closed; the server is stopping");
            }
            return new ValueTask(done.Task.WaitAsync(ct));
        }
        if (Interlocked.Add(ref _queued, records.Count) > MaxQueuedRecords || !_queue.Writer.TryWrite(new Pending(records, null)))
        {
            Interlocked.Add(ref _queued, -records.Count);
            Interlocked.Add(ref _dropped, records.Count);
        }
        return ValueTask.CompletedTask;
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        using var insert = _writer.CreateCommand();
        insert.CommandText = """
            INSERT OR IGNORE INTO predictions (prediction_id, endpoint, variant, model_name, model_version, time, latency_ms, inputs, outputs, routing)
            VALUES ($id, $e, $v, $m, $mv, $t, $l, $i, $o, $r)
            """;
        var parameters = new[] { "$id", "$e", "$v", "$m", "$mv", "$t", "$l", "$i", "$o", "$r" }.Select(name =>
        {
            var parameter = insert.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = DBNull.Value;
            insert.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        insert.Prepare();
        var group = new List<Pending>();
        while (await reader.WaitToReadAsync())
        {
            group.Clear();
            var count = 0;
            while (count < MaxGroupRecords && reader.TryRead(out var pending))
            {
                group.Add(pending);
                count += pending.Records.Count;
            }
            try
            {
                using (var transaction = _writer.BeginTransaction())
                {
                    insert.Transaction = transaction;
                    foreach (var record in group.SelectMany(p => p.Records))
                    {
                        Bind(parameters, record);
                        insert.ExecuteNonQuery();
                    }
                    transaction.Commit();
                }
                foreach (var pending in group)
                {
                    pending.Done?.TrySetResult();
                }
            }
            catch (Exception e)
            {
                // The writer lives on: this group fails (durable callers get a 503; fast rows are counted as dropped), the next may succeed.
                var error = new GyreException(ErrorCode.Unavailable, $"prediction log: the write failed: {e.Message}");
                foreach (var pending in group)
                {
                    if (pending.Done is { } done)
                    {
                        done.TrySetException(error);
                    }
                    else
                    {
                        Interlocked.Add(ref _dropped, pending.Records.Count);
                    }
                }
            }
            finally
            {
                Interlocked.Add(ref _queued, -count);
            }
        }
    }

    private static void Bind(SqliteParameter[] p, PredictionRecord record)
    {
        p[0].Value = record.PredictionId;
        p[1].Value = record.Endpoint;
        p[2].Value = record.Variant;
        p[3].Value = record.ModelName;
        p[4].Value = record.ModelVersion;
        p[5].Value = record.Time;
        p[6].Value = record.LatencyMs;
        p[7].Value = record.Inputs;
        p[8].Value = record.Outputs;
        p[9].Value = record.Routing;
    }

    /// <summary>Writes what is queued and closes the file.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.GetAwaiter().GetResult();
        _writer.Dispose();
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync("PRAGMA busy_timeout = 60000", null, ct);
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed record Pending(IReadOnlyList<PredictionRecord> Records, TaskCompletionSource? Done);
}
