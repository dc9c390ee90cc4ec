using System.Diagnostics;
using System.Text;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>The log's writers: the journal writers, which answer durable callers, and the table writer, which fills the tables in batches.</summary>
public sealed partial class PredictionLog
{
    private void JournalLoop(int lane)
    {
        var journal = _journals[lane];
        var reader = _queue.Reader;
        var group = new List<Pending>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            var count = 0;
            while (count < MaxGroupRecords && reader.TryRead(out var pending))
            {
                if (pending.Records is null)
                {
                    // A commit request passes to the table writer behind every answered record: each
                    // lane hands a group's records to the table writer before it answers their callers
                    // (whatever another lane holds now is not answered yet), and fast records go there
                    // directly. This lane's group goes first, so that its callers need not wait longer.
                    JournalGroup(group, lane);
                    EnqueueTable(new TableWork(null, 0, lane, 0, pending.Done));
                    count = 0;
                    continue;
                }
                group.Add(pending);
                count += pending.Records.Count;
            }
            JournalGroup(group, lane);
            if (!_keepJournal)
            {
                journal.Release(Interlocked.Read(ref _committedSequence[lane]));
            }
        }
        if (Interlocked.Decrement(ref _lanesRunning) == 0)
        {
            _tablesClosed = true;
            _tableSignal.Set();
        }
    }

    /// <summary>
    /// Appends a group of durable records to the lane's journal, answers their callers, and hands
    /// the records to the table writer; on failure the callers get a 503 and their records are left
    /// out.
    /// </summary>
    private void JournalGroup(List<Pending> group, int lane)
    {
        if (group.Count == 0)
        {
            return;
        }
        var count = group.Sum(p => p.Records!.Count);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var sequence = _journals[lane].Append(group.Select(p => p.Records!));
            var synced = new DurableSync(Stopwatch.GetElapsedTime(started), count);
            // The group goes to the table writer as one piece: a batch then never holds part of a
            // group, whose sequence would let the journal go of the part that is not in it.
            EnqueueTable(new TableWork([.. group.Select(p => p.Records!)], count, lane, sequence, null));
            foreach (var pending in group)
            {
                pending.Done.TrySetResult();
            }
            Report(synced);
        }
        catch (Exception e)
        {
            var error = IoErrors.Unavailable("prediction log: the write", e);
            foreach (var pending in group)
            {
                pending.Records!.Dispose();
                pending.Done.TrySetException(error);
            }
        }
        finally
        {
            Interlocked.Add(ref _queued, -count);
            group.Clear();
        }
    }

    /// <summary>Tells the observers of <see cref="DurableSynced"/>; whatever they throw stays with them, never with the log's writer.</summary>
    private void Report(DurableSync synced)
    {
        try
        {
            DurableSynced?.Invoke(synced);
        }
        catch (Exception)
        {
            // An observer (metrics) that fails must not stop the journal, whose callers are already answered.
        }
    }

    /// <summary>
    /// Queues work for the table writer, and wakes it only when it needs to: for the first records
    /// after it went idle, a full batch, a commit request, so that it wakes a few times a batch
    /// rather than once a request.
    /// </summary>
    private void EnqueueTable(TableWork work)
    {
        if (work.Records is null)
        {
            _tableQueue.Enqueue(work);
            _tableSignal.Set();
            return;
        }
        _tableQueue.Enqueue(work);
        var waiting = Interlocked.Add(ref _tableRecords, work.Rows);
        if (waiting == work.Rows || waiting >= MaxBatchRecords)
        {
            _tableSignal.Set();
        }
    }

    private void TableLoop()
    {
        var batch = new List<EncodedRecords>();
        var asked = new List<TaskCompletionSource>();
        var lastSync = Stopwatch.GetTimestamp();
        while (true)
        {
            if (_tableQueue.IsEmpty && !_tablesClosed)
            {
                _tableSignal.WaitOne(); // idle until records come
            }
            // Give the batch time to fill, unless it is full, a query asks for it or the log closes.
            if (_waitingQueries.IsEmpty && Interlocked.Read(ref _tableRecords) < MaxBatchRecords && !_tablesClosed)
            {
                _tableSignal.WaitOne(BatchTime);
            }
            var closed = _tablesClosed;
            var sequences = new long[JournalLanes];
            var fast = 0;
            var rows = 0;
            asked.Clear();
            while (rows < MaxBatchRecords && _tableQueue.TryDequeue(out var work))
            {
                if (work.Records is null)
                {
                    asked.Add(work.Done!);
                    continue;
                }
                Interlocked.Add(ref _tableRecords, -work.Rows);
                batch.AddRange(work.Records);
                rows += work.Rows;
                sequences[work.Lane] = Math.Max(sequences[work.Lane], work.Sequence);
                fast += work.Sequence == 0 ? work.Rows : 0;
            }
            if (!_tableQueue.IsEmpty)
            {
                _tableSignal.Set(); // a full batch: the rest goes in the next one at once
            }
            try
            {
                if (!CommitWithRetries(batch, sequences, asked, ref lastSync))
                {
                    // The log closes with the tables still unwritable, or the batch failed for another
                    // reason than the tables being away. The batch is given up: its fast rows are counted
                    // as dropped, and its durable rows stay in the journal, which is kept until the next
                    // start replays it.
                    Interlocked.Add(ref _dropped, fast);
                    _keepJournal |= sequences.Any(q => q > 0);
                }
            }
            finally
            {
                Interlocked.Add(ref _queued, -fast);
                foreach (var records in batch)
                {
                    records.Dispose();
                }
                batch.Clear();
            }
            if (closed && _tableQueue.IsEmpty)
            {
                break; // rows committed and not yet synced stay in the journal: the next start replays them
            }
        }
    }

    /// <summary>
    /// Commits a batch, and answers the queries that asked for it. When the tables cannot be written,
    /// the queries waiting now get that failure at once, and the batch is tried again with growing
    /// pauses: for as long as it takes while the tables are away (the database unreachable), and
    /// <see cref="MaxAttemptsOnOtherFailures"/> times for any other failure, so that a batch that can
    /// never commit does not hold up the log (false: given up, or the log closed). A retry leaves out
    /// the records that a commit whose outcome was unknown may have stored.
    /// </summary>
    private bool CommitWithRetries(List<EncodedRecords> batch, long[] sequences, List<TaskCompletionSource> asked, ref long lastSync)
    {
        EncodedRecords? fresh = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    if (attempt > 1)
                    {
                        fresh?.Dispose();
                        fresh = EncodedRecords.Of(NotInTables(batch));
                    }
                    CommitTables(fresh is null ? batch : [fresh], sequences, ref lastSync);
                    _failure = null;
                    foreach (var done in asked)
                    {
                        done.TrySetResult();
                    }
                    return true;
                }
                catch (Exception e)
                {
                    var error = e as GyreException ?? _tables.Unavailable(e) ?? IoErrors.Unavailable("prediction log: the write", e);
                    _failure = error;
                    foreach (var done in asked)
                    {
                        done.TrySetException(error);
                    }
                    foreach (var waiting in _waitingQueries.Keys)
                    {
                        if (_waitingQueries.TryRemove(waiting, out _))
                        {
                            waiting.TrySetException(error);
                        }
                    }
                    asked.Clear();
                    var away = e is GyreException { Code: ErrorCode.Unavailable } || _tables.Unavailable(e) is not null;
                    if (_tablesClosed || (!away && attempt >= MaxAttemptsOnOtherFailures))
                    {
                        return false;
                    }
                    PauseBeforeRetry(attempt);
                }
            }
        }
        finally
        {
            fresh?.Dispose();
        }
    }

    /// <summary>How many times a batch is tried when it fails for another reason than the tables being away.</summary>
    private const int MaxAttemptsOnOtherFailures = 5;

    /// <summary>
    /// 100 ms after the first failure, doubling up to <see cref="MaxRetryPause"/>. A query that asks
    /// meanwhile ends the pause, so that it learns whether the tables are back rather than wait out
    /// the pause or get an old failure; so does the log closing.
    /// </summary>
    private void PauseBeforeRetry(int attempt)
    {
        var pause = TimeSpan.FromMilliseconds(Math.Min(MaxRetryPause.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt - 1, 10))));
        var started = Stopwatch.GetTimestamp();
        while (!_tablesClosed && _waitingQueries.IsEmpty && Stopwatch.GetElapsedTime(started) is var waited && waited < pause)
        {
            _tableSignal.WaitOne(pause - waited);
        }
    }

    /// <summary>
    /// Commits a batch (journalled records up to <paramref name="sequences"/>, per lane; 0: none).
    /// Journalled rows are synced into the tables at most once per <see cref="SyncTime"/> (with the
    /// batch that comes then), and only then let go by the journals: the tables' syncs compete with
    /// the journals' own for the disk.
    /// </summary>
    private void CommitTables(List<EncodedRecords> batch, long[] sequences, ref long lastSync)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var upTo = sequences.Select((q, lane) => Math.Max(q, _unsynced[lane])).ToArray();
        var sync = upTo.Any(q => q > 0) && Stopwatch.GetElapsedTime(lastSync) >= SyncTime;
        _tables.Commit(batch, sync);
        for (var lane = 0; lane < JournalLanes; lane++)
        {
            _unsynced[lane] = sync ? 0 : upTo[lane];
            if (sync)
            {
                Interlocked.Exchange(ref _committedSequence[lane], upTo[lane]);
            }
        }
        if (sync)
        {
            lastSync = Stopwatch.GetTimestamp();
        }
    }

    /// <summary>
    /// Replays what the journal holds — durable records answered before a stop, which the tables
    /// may or may not have taken (they are synced there later than in the journal): those already
    /// in a block are left out.
    /// </summary>
    private void Recover()
    {
        var fresh = new List<byte[]>();
        foreach (var journal in _journals)
        {
            using var records = journal.ReadAll();
            fresh.AddRange(NotInTables([records]));
        }
        if (fresh.Count > 0)
        {
            using var replayed = EncodedRecords.Of(fresh);
            _tables.Commit([replayed], sync: true);
        }
        // Synced above; a journal holding only a torn line held nothing that was acknowledged.
        foreach (var journal in _journals)
        {
            journal.Clear();
        }
    }

    /// <summary>The records (copied) that the tables do not hold yet; runs on the writer's thread, off any request.</summary>
    private List<byte[]> NotInTables(IEnumerable<EncodedRecords> batch)
    {
        var byEndpoint = new Dictionary<string, List<(string Id, byte[] Payload)>>(StringComparer.Ordinal);
        foreach (var records in batch)
        {
            foreach (var payload in records)
            {
                var key = PredictionRecordCodec.Key(payload);
                var (id, endpoint) = (Encoding.UTF8.GetString(key.Id), Encoding.UTF8.GetString(key.Endpoint));
                (byEndpoint.TryGetValue(endpoint, out var list) ? list : byEndpoint[endpoint] = []).Add((id, payload.ToArray()));
            }
        }
        var fresh = new List<byte[]>();
        using var connection = _tables.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        foreach (var (endpoint, list) in byEndpoint)
        {
            var stored = PredictionBlocks.LocateAsync(connection, _tables.Dialect, endpoint, list.Select(r => r.Id), CancellationToken.None).GetAwaiter().GetResult();
            var seen = new HashSet<string>(stored.Keys, StringComparer.Ordinal);
            fresh.AddRange(list.Where(r => seen.Add(r.Id)).Select(r => r.Payload));
        }
        return fresh;
    }

    /// <summary>Records for the tables (a request's, or a whole durable group's) with their journal lane and the sequence of their group (0: fast records, never journalled); or, without records, a query waiting for a commit.</summary>
    private sealed record TableWork(EncodedRecords[]? Records, int Rows, int Lane, long Sequence, TaskCompletionSource? Done);
}
