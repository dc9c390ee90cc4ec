using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using System.Data.Common;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log, written by threads of its own into its tables (<see cref="PredictionTables"/>:
/// a SQLite file of its own, or the shared PostgreSQL database) through a local journal. The journal
/// writers (<see cref="JournalLanes"/>) take durable records: each appends what is queued to its
/// journal with one write and one sync — group commit — and answers their callers then. The table
/// writer puts records (durable, and fast ones, which skip the journal) into the tables in
/// batches of up to <see cref="MaxBatchRecords"/> or <see cref="BatchTime"/>, whichever comes
/// first, as blocks of an endpoint's records (<see cref="PredictionBlocks"/>), so that a record
/// costs a share of one insert and of a page write, and so that a slow commit or checkpoint never
/// holds up a durable caller. The tables are synced at most once per <see cref="SyncTime"/>; journal files whose records are all synced there are emptied. Every
/// query first has the writers commit what they hold, so a query sees every answered prediction.
/// Fast mode bounds its queue at <see cref="MaxQueuedRecords"/> records and drops (and counts)
/// beyond it. When the tables cannot be written (the database is unreachable), the table writer
/// keeps its batch and tries again (at once when a query asks, which then gets the outcome: a 503,
/// or its answer once the tables caught up), and durable callers are still answered from the
/// journal, until <see cref="MaxTableBacklog"/> records wait.
/// </summary>
public sealed partial class PredictionLog : IPredictionLog, IDisposable
{
    public const int MaxQueuedRecords = 100_000;

    /// <summary>
    /// Past this many records waiting for the tables (held in memory while the database is away),
    /// durable appends are refused with a 503 rather than let memory grow without bound.
    /// </summary>
    public const int MaxTableBacklog = 1_000_000;

    /// <summary>At most this many records per journal write, so one group never holds the writer long.</summary>
    public const int MaxGroupRecords = 8192;

    /// <summary>A batch is committed to the tables once it holds this many records…</summary>
    public const int MaxBatchRecords = 8192;

    /// <summary>…or once its oldest record has waited this long.</summary>
    public static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(50);

    /// <summary>Journalled rows committed to the tables are synced there (and let go by the journal) at most this often.</summary>
    public static readonly TimeSpan SyncTime = TimeSpan.FromSeconds(1);

    /// <summary>The longest pause between a failed batch and its next try, so the log catches up within it once its database is back.</summary>
    public static readonly TimeSpan MaxRetryPause = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Journal writers, each with files of its own, taking groups from one queue: a group waits for
    /// its own sync, not also for the one in flight before it, and a slow sync holds only its own
    /// group's callers (the virtual disks measured here take two syncs at once at nearly twice the
    /// rate of one).
    /// </summary>
    public const int JournalLanes = 2;

    private readonly PredictionTables _tables;
    private readonly TimeProvider _time;
    private readonly PredictionJournal[] _journals = new PredictionJournal[JournalLanes];
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentQueue<TableWork> _tableQueue = new();
    private readonly AutoResetEvent _tableSignal = new(false);
    private readonly Thread[] _journalLoops = new Thread[JournalLanes];
    private readonly Thread _tableLoop;
    private long _queued;
    private int _disposed;
    private long _dropped;

    /// <summary>Records waiting in the table queue.</summary>
    private long _tableRecords;

    private volatile bool _tablesClosed;

    /// <summary>Per lane: the journal sequence up to which every journalled record is committed to the tables (with a sync).</summary>
    private readonly long[] _committedSequence = new long[JournalLanes];

    /// <summary>Per lane: the journal sequence up to which records are committed to the tables but not yet synced there (the table writer's own).</summary>
    private readonly long[] _unsynced = new long[JournalLanes];

    /// <summary>Journal writers still running: the last one to stop closes the tables.</summary>
    private int _lanesRunning = JournalLanes;

    /// <summary>Why the tables cannot be written now, while the table writer tries again; null when they can.</summary>
    private volatile GyreException? _failure;

    /// <summary>
    /// Queries waiting for a commit and not yet answered: while there are any, the table writer does not
    /// wait out the batch time, and a failing one tries again at once and gives them the outcome.
    /// </summary>
    private readonly ConcurrentDictionary<TaskCompletionSource, bool> _waitingQueries = new();

    /// <summary>Set when a batch with journalled records failed: the journal then keeps them for the next start.</summary>
    private volatile bool _keepJournal;

    private PredictionLog(PredictionTables tables, string journalPath, TimeProvider time)
    {
        _tables = tables;
        _time = time;
        for (var lane = 0; lane < JournalLanes; lane++)
        {
            _journals[lane] = PredictionJournal.Open(journalPath, lane);
        }
        Recover();
        // The writers block on the disk, so they have threads of their own rather than the pool's:
        // they neither hold up requests' work nor wait behind it in the pool's queue.
        for (var lane = 0; lane < JournalLanes; lane++)
        {
            var own = lane;
            _journalLoops[lane] = new Thread(() => JournalLoop(own)) { IsBackground = true, Name = $"gyre-log-journal-{lane}" };
        }
        _tableLoop = new Thread(TableLoop) { IsBackground = true, Name = "gyre-log-tables" };
        foreach (var loop in _journalLoops)
        {
            loop.Start();
        }
        _tableLoop.Start();
    }

    /// <summary>Opens the log in a SQLite file of its own at <paramref name="path"/>, with its journal beside it.</summary>
    public static PredictionLog Open(string path, TimeProvider time) => Open(new SqlitePredictionTables(path), path, time);

    /// <summary>Opens the log on its tables, with its journal beside <paramref name="journalPath"/>; the log owns the tables from here on.</summary>
    internal static PredictionLog Open(PredictionTables tables, string journalPath, TimeProvider time)
    {
        try
        {
            return new PredictionLog(tables, journalPath, time);
        }
        catch
        {
            tables.Dispose();
            throw;
        }
    }

    public long QueueDepth => Interlocked.Read(ref _queued);

    public long Dropped => Interlocked.Read(ref _dropped);

    public event Action<DurableSync>? DurableSynced;

    public ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, bool durable)
    {
        for (var i = 0; i < records.Count; i++)
        {
            if (PredictionIds.TimeOf(records[i].PredictionId) != records[i].Time)
            {
                // The log finds a prediction by the time in its id (PredictionBlocks).
                throw new ArgumentException($"prediction log: id '{records[i].PredictionId}' is not a UUIDv7 of the prediction's time {records[i].Time}", nameof(records));
            }
        }
        if (durable)
        {
            if (Interlocked.Read(ref _tableRecords) > MaxTableBacklog)
            {
                throw new GyreException(ErrorCode.Unavailable,
                    $"prediction log: more than {MaxTableBacklog} records wait for the log's tables ({_failure?.Message ?? "they are behind"}); retry");
            }
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var encoded = EncodedRecords.Encode(records);
            Interlocked.Add(ref _queued, records.Count);
            if (!_queue.Writer.TryWrite(new Pending(encoded, done)))
            {
                Interlocked.Add(ref _queued, -records.Count);
                encoded.Dispose();
                throw new GyreException(ErrorCode.Unavailable, "prediction log: closed; the server is stopping");
            }
            // Not WaitAsync(the request's token): its promise and registration cost about 5% of a
            // durable request's throughput here (docs/benchmarks.md), for a wait that ends with the sync.
            return new ValueTask(done.Task);
        }
        // Fast records need no journal: they go straight to the table writer.
        if (Interlocked.Add(ref _queued, records.Count) > MaxQueuedRecords || _tablesClosed)
        {
            Interlocked.Add(ref _queued, -records.Count);
            Interlocked.Add(ref _dropped, records.Count);
            return ValueTask.CompletedTask;
        }
        EnqueueTable(new TableWork([EncodedRecords.Encode(records)], records.Count, 0, 0, null));
        return ValueTask.CompletedTask;
    }

    /// <summary>Has the writer commit every record queued before this call to the tables, so that a query sees them.</summary>
    private async Task CommitQueuedAsync(CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waitingQueries[done] = true;
        try
        {
            if (!_queue.Writer.TryWrite(Pending.Commit(done)))
            {
                return; // closed: the writer has committed everything on its way out
            }
            await done.Task.WaitAsync(ct);
        }
        finally
        {
            _waitingQueries.TryRemove(done, out _);
        }
    }

    /// <summary>Writes what is queued and closes the log; disposing again does nothing.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _queue.Writer.TryComplete();
        foreach (var loop in _journalLoops)
        {
            loop.Join();
        }
        _tableLoop.Join();
        _tables.Dispose();
        foreach (var journal in _journals)
        {
            journal.Dispose();
        }
        _tableSignal.Dispose();
    }

    /// <summary>A connection for a query, opened once every prediction answered so far is in the tables.</summary>
    private async Task<DbConnection> OpenReaderAsync(CancellationToken ct)
    {
        await CommitQueuedAsync(ct);
        return await _tables.OpenAsync(ct);
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Durable records to journal, with their caller waiting; or, without records, a query waiting for everything before it to be committed.</summary>
    private sealed record Pending(EncodedRecords? Records, TaskCompletionSource Done)
    {
        public static Pending Commit(TaskCompletionSource done) => new(null, done);
    }
}
