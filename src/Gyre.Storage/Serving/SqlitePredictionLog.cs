using System.Globalization;
using System.Threading.Channels;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log in its own SQLite file (WAL). One writer drains a queue; a group of records
/// with a durable caller is appended to a journal with one write and one sync — group commit — and
/// its callers are answered then. Records (durable and fast) reach the SQLite tables in batches of
/// up to <see cref="MaxBatchRecords"/> or <see cref="BatchTime"/>, whichever comes first, so that a
/// row costs a share of a page write instead of a page write of its own; a batch that follows
/// journalled records is committed with a sync, and the journal is emptied after it. Every query
/// first has the writer commit what it holds, so a query sees every answered prediction. Fast mode
/// bounds its queue at <see cref="MaxQueuedRecords"/> records and drops (and counts) beyond it.
/// </summary>
public sealed partial class SqlitePredictionLog : IPredictionLog, IDisposable
{
    public const int MaxQueuedRecords = 100_000;

    /// <summary>At most this many records per journal write, so one group never holds the writer long.</summary>
    public const int MaxGroupRecords = 8192;

    /// <summary>A batch is committed to the tables once it holds this many records…</summary>
    public const int MaxBatchRecords = 8192;

    /// <summary>…or once its oldest record has waited this long.</summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(50);

    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly SqliteConnection _writer;
    private readonly PredictionJournal _journal;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _loop;
    private readonly Timer _batchTimer;
    private readonly (SqliteCommand Command, SqliteParameter[] Parameters) _insert;
    private long _queued;
    private long _dropped;
    private int _batched;

    /// <summary>Set when a batch with journalled records failed: the journal then keeps them for the next start.</summary>
    private bool _keepJournal;

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
        _insert = PrepareInsert();
        _journal = PredictionJournal.Open(path + ".journal");
        Recover();
        // The writer blocks on the disk, so it has a thread of its own rather than one of the pool's:
        // it neither holds up requests' work nor waits behind it in the pool's queue.
        _loop = new Thread(WriteLoop) { IsBackground = true, Name = "gyre-prediction-log" };
        _loop.Start();
        // Asks the writer to commit a batch that has waited long enough while no more records came.
        _batchTimer = new Timer(_ =>
        {
            if (Volatile.Read(ref _batched) > 0)
            {
                _queue.Writer.TryWrite(Pending.Commit(null));
            }
        }, null, BatchTime, BatchTime);
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

    /// <summary>Has the writer commit every record queued before this call to the tables, so that a query sees them.</summary>
    private async Task CommitQueuedAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(Pending.Commit(done)))
        {
            return; // closed: the writer has committed everything on its way out
        }
        await done.Task.WaitAsync(ct);
    }

    private void WriteLoop()
    {
        var reader = _queue.Reader;
        var group = new List<Pending>();
        var commits = new List<TaskCompletionSource>();
        var batch = new List<PredictionRecord>();
        var batchJournalled = false;
        var fastInBatch = 0;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            commits.Clear();
            var count = 0;
            var commit = false;
            while (count < MaxGroupRecords && reader.TryRead(out var pending))
            {
                if (pending.Records is null)
                {
                    commit = true;
                    if (pending.Done is { } asked)
                    {
                        commits.Add(asked);
                    }
                    continue;
                }
                group.Add(pending);
                count += pending.Records.Count;
            }
            try
            {
                batchJournalled |= Journal(group);
                foreach (var pending in group)
                {
                    batch.AddRange(pending.Records!);
                    fastInBatch += pending.Done is null ? pending.Records!.Count : 0;
                }
                Volatile.Write(ref _batched, batch.Count);
                if (batch.Count > 0 && (commit || batch.Count >= MaxBatchRecords))
                {
                    CommitBatch(batch, batchJournalled);
                    batchJournalled = false;
                    fastInBatch = 0;
                }
                foreach (var asked in commits)
                {
                    asked.TrySetResult();
                }
            }
            catch (Exception e)
            {
                // The writer lives on. The batch is given up: its fast rows are counted as dropped, and
                // its durable rows stay in the journal, which is kept until the next start replays it.
                var error = new GyreException(ErrorCode.Unavailable, $"prediction log: the write failed: {e.Message}");
                Interlocked.Add(ref _dropped, fastInBatch);
                _keepJournal |= batchJournalled;
                batch.Clear();
                batchJournalled = false;
                fastInBatch = 0;
                Volatile.Write(ref _batched, 0);
                foreach (var asked in commits)
                {
                    asked.TrySetException(error);
                }
            }
            finally
            {
                Interlocked.Add(ref _queued, -count);
            }
        }
        if (batch.Count > 0)
        {
            CommitBatch(batch, batchJournalled);
        }
    }

    /// <summary>
    /// Appends a group's durable records to the journal and answers their callers; on failure the
    /// callers get a 503 and their records are left out. Returns whether anything was journalled.
    /// </summary>
    private bool Journal(List<Pending> group)
    {
        var durable = group.Where(p => p.Done is not null).ToList();
        if (durable.Count == 0)
        {
            return false;
        }
        try
        {
            _journal.Append(durable.SelectMany(p => p.Records!));
        }
        catch (Exception e)
        {
            var error = new GyreException(ErrorCode.Unavailable, $"prediction log: the write failed: {e.Message}");
            foreach (var pending in durable)
            {
                pending.Done!.TrySetException(error);
                group.Remove(pending);
            }
            return false;
        }
        foreach (var pending in durable)
        {
            pending.Done!.TrySetResult();
        }
        return true;
    }

    /// <summary>
    /// Writes a batch to the tables in one transaction. After journalled records the commit waits
    /// for the disk and then empties the journal; a batch of fast records only reaches the
    /// operating system, as fast mode documents.
    /// </summary>
    private void CommitBatch(List<PredictionRecord> batch, bool journalled)
    {
        Execute(_writer, journalled ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
        using (var transaction = _writer.BeginTransaction())
        {
            _insert.Command.Transaction = transaction;
            foreach (var record in batch)
            {
                Bind(_insert.Parameters, record);
                _insert.Command.ExecuteNonQuery();
            }
            transaction.Commit();
        }
        if (journalled && !_keepJournal)
        {
            _journal.Clear();
        }
        batch.Clear();
        Volatile.Write(ref _batched, 0);
    }

    /// <summary>Replays what the journal holds — durable records answered before a stop the tables never saw.</summary>
    private void Recover()
    {
        if (_journal.IsEmpty)
        {
            return;
        }
        var records = _journal.ReadAll();
        if (records.Count > 0)
        {
            CommitBatch(records, journalled: true); // synced, then the journal is emptied
        }
        else
        {
            _journal.Clear(); // only a torn line, never acknowledged
        }
    }

    private (SqliteCommand Command, SqliteParameter[] Parameters) PrepareInsert()
    {
        var insert = _writer.CreateCommand();
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
        return (insert, parameters);
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

    /// <summary>Writes what is queued and closes the files.</summary>
    public void Dispose()
    {
        _batchTimer.Dispose();
        _queue.Writer.TryComplete();
        _loop.Join();
        _insert.Command.Dispose();
        _writer.Dispose();
        _journal.Dispose();
    }

    /// <summary>A connection for a query, opened once every prediction answered so far is in the tables.</summary>
    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        await CommitQueuedAsync(ct);
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

    /// <summary>Records to log (Done: a durable caller waiting), or, without records, a request to commit the batch (Done: a query waiting).</summary>
    private sealed record Pending(IReadOnlyList<PredictionRecord>? Records, TaskCompletionSource? Done)
    {
        public static Pending Commit(TaskCompletionSource? done) => new(null, done);
    }
}
