using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>The log's two writers: the journal writer, which answers durable callers, and the table writer, which fills the tables in batches.</summary>
public sealed partial class SqlitePredictionLog
{
    private void JournalLoop()
    {
        var reader = _queue.Reader;
        var group = new List<Pending>();
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            var count = 0;
            while (count < MaxGroupRecords && reader.TryRead(out var pending))
            {
                if (pending.Records is null)
                {
                    // A commit request passes to the table writer behind every record queued before it.
                    FlushGroup(group, ref count);
                    _tables.Writer.TryWrite(new TableWork(null, 0, 0, pending.Done));
                    continue;
                }
                group.Add(pending);
                count += pending.Records.Count;
            }
            FlushGroup(group, ref count);
            if (!_keepJournal)
            {
                _journal.Release(Interlocked.Read(ref _committedSequence));
            }
        }
        _tables.Writer.TryComplete();
    }

    /// <summary>Journals a group's durable records, answers their callers, and hands the group's records to the table writer.</summary>
    private void FlushGroup(List<Pending> group, ref int count)
    {
        if (group.Count == 0)
        {
            return;
        }
        try
        {
            var sequence = Journal(group);
            var records = new List<PredictionRecord>(count);
            var fast = 0;
            foreach (var pending in group)
            {
                records.AddRange(pending.Records!);
                fast += pending.Done is null ? pending.Records!.Count : 0;
            }
            _tables.Writer.TryWrite(new TableWork(records, sequence, fast, null));
        }
        finally
        {
            Interlocked.Add(ref _queued, -count);
            group.Clear();
            count = 0;
        }
    }

    /// <summary>
    /// Appends a group's durable records to the journal and answers their callers; on failure the
    /// callers get a 503 and their records are left out. Returns the journal's sequence number for
    /// the group, or 0 when nothing was journalled.
    /// </summary>
    private long Journal(List<Pending> group)
    {
        var durable = group.Where(p => p.Done is not null).ToList();
        if (durable.Count == 0)
        {
            return 0;
        }
        long sequence;
        try
        {
            sequence = _journal.Append(durable.SelectMany(p => p.Records!));
        }
        catch (Exception e)
        {
            var error = new GyreException(ErrorCode.Unavailable, $"prediction log: the write failed: {e.Message}");
            foreach (var pending in durable)
            {
                pending.Done!.TrySetException(error);
                group.Remove(pending);
            }
            return 0;
        }
        foreach (var pending in durable)
        {
            pending.Done!.TrySetResult();
        }
        return sequence;
    }

    private void TableLoop()
    {
        var reader = _tables.Reader;
        var batch = new List<PredictionRecord>();
        var asked = new List<TaskCompletionSource>();
        long sequence = 0;
        var fast = 0;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            asked.Clear();
            var commit = false;
            while (batch.Count < MaxBatchRecords && reader.TryRead(out var work))
            {
                if (work.Records is null)
                {
                    commit = true;
                    if (work.Done is { } done)
                    {
                        asked.Add(done);
                    }
                    continue;
                }
                batch.AddRange(work.Records);
                sequence = Math.Max(sequence, work.Sequence);
                fast += work.Fast;
            }
            Volatile.Write(ref _batched, batch.Count);
            try
            {
                if (batch.Count > 0 && (commit || batch.Count >= MaxBatchRecords))
                {
                    CommitBatch(batch, journalled: sequence > 0);
                    if (sequence > 0)
                    {
                        Interlocked.Exchange(ref _committedSequence, sequence);
                    }
                    sequence = 0;
                    fast = 0;
                }
                foreach (var done in asked)
                {
                    done.TrySetResult();
                }
            }
            catch (Exception e)
            {
                // The writer lives on. The batch is given up: its fast rows are counted as dropped, and
                // its durable rows stay in the journal, which is kept until the next start replays it.
                var error = new GyreException(ErrorCode.Unavailable, $"prediction log: the write failed: {e.Message}");
                Interlocked.Add(ref _dropped, fast);
                _keepJournal |= sequence > 0;
                batch.Clear();
                Volatile.Write(ref _batched, 0);
                sequence = 0;
                fast = 0;
                foreach (var done in asked)
                {
                    done.TrySetException(error);
                }
            }
        }
        if (batch.Count > 0)
        {
            CommitBatch(batch, journalled: sequence > 0);
        }
    }

    /// <summary>
    /// Writes a batch to the tables in one transaction. With journalled records the commit waits for
    /// the disk, so that the journal may let them go; a batch of fast records only reaches the
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
        batch.Clear();
        Volatile.Write(ref _batched, 0);
    }

    /// <summary>Replays what the journal holds — durable records answered before a stop the tables never saw.</summary>
    private void Recover()
    {
        var records = _journal.ReadAll();
        if (records.Count > 0)
        {
            CommitBatch(records, journalled: true);
        }
        // Synced above; a journal holding only a torn line held nothing that was acknowledged.
        _journal.Clear();
    }

    /// <summary>Records for the tables with the journal sequence of their group (0: none journalled) and how many are fast; or, without records, a commit request.</summary>
    private sealed record TableWork(List<PredictionRecord>? Records, long Sequence, int Fast, TaskCompletionSource? Done);
}
