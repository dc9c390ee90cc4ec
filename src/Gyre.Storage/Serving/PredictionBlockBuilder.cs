using System.Buffers;
using System.Buffers.Binary;

namespace Gyre.Storage.Serving;

/// <summary>
/// Puts encoded records into the log's table as blocks: one row per endpoint of up to
/// <see cref="PredictionBlocks.MaxRecords"/> records spanning at most
/// <see cref="PredictionBlocks.MaxSpanMs"/>, the records side by side in one blob as
/// <see cref="EncodedRecords"/> holds them. A row per record cost SQLite three B-tree inserts
/// (the row, its id, its endpoint and time), which were most of the table writer's CPU and of the
/// fast log's tail latency; a block costs about one per few hundred records. A backend writes the
/// blocks as they fill (<see cref="Write"/>); used by the table writer's thread, within its
/// transaction.
/// </summary>
internal abstract class PredictionBlockBuilder : IDisposable
{
    /// <summary>The blocks being filled, one per endpoint seen in this batch (an endpoint's UTF-8 name with its block).</summary>
    private readonly List<OpenBlock> _open = [];

    /// <summary>Adds one encoded record (<see cref="PredictionRecordCodec"/>) to its endpoint's block, writing the block first when the record does not fit in it.</summary>
    public void Add(ReadOnlySpan<byte> payload)
    {
        var key = PredictionRecordCodec.Key(payload);
        if (!key.Whole)
        {
            throw new InvalidDataException("prediction log: an encoded record is not whole");
        }
        var block = Find(key.Endpoint);
        if (block.Count > 0 && !block.Fits(key.Time))
        {
            WriteAndClear(block);
        }
        block.Append(payload, key.Time);
    }

    /// <summary>Adds a batch's records and writes every block (<see cref="Flush"/>); when that fails, nothing of the batch stays behind.</summary>
    public void AddAll(IEnumerable<EncodedRecords> batch)
    {
        try
        {
            foreach (var records in batch)
            {
                foreach (var record in records)
                {
                    Add(record);
                }
            }
            Flush();
        }
        catch
        {
            Discard(); // the transaction rolls back, and the next batch starts with empty blocks
            throw;
        }
    }

    /// <summary>Writes every block still open; call before the transaction commits.</summary>
    public void Flush()
    {
        foreach (var block in _open)
        {
            if (block.Count > 0)
            {
                WriteAndClear(block);
            }
        }
        Flushed();
        // Endpoints come and go: a block unused for a while gives up its buffer; the busy ones keep theirs.
        _open.RemoveAll(block => block.Idle(MaxIdleBatches));
    }

    /// <summary>Batches in a row without records after which an endpoint's block (and its buffer) is let go.</summary>
    private const int MaxIdleBatches = 100;

    /// <summary>Forgets the records of every open block (their transaction failed).</summary>
    public void Discard()
    {
        foreach (var block in _open)
        {
            block.Clear();
        }
        Discarded();
    }

    public abstract void Dispose();

    /// <summary>Writes one full block (or sends it on its way: <see cref="Flushed"/> ends a batch's writes).</summary>
    protected abstract void Write(OpenBlock block);

    /// <summary>Every block of the batch has been given to <see cref="Write"/>.</summary>
    protected virtual void Flushed()
    {
    }

    /// <summary>The batch failed: whatever <see cref="Write"/> began is abandoned.</summary>
    protected virtual void Discarded()
    {
    }

    private OpenBlock Find(ReadOnlySpan<byte> endpoint)
    {
        foreach (var block in _open)
        {
            if (endpoint.SequenceEqual(block.Endpoint))
            {
                return block;
            }
        }
        var opened = new OpenBlock(endpoint.ToArray());
        _open.Add(opened);
        return opened;
    }

    private void WriteAndClear(OpenBlock block)
    {
        try
        {
            Write(block);
        }
        finally
        {
            block.Clear();
        }
    }

    /// <summary>One endpoint's block as it fills: its records each behind its length, and their time range.</summary>
    protected sealed class OpenBlock(byte[] endpoint)
    {
        private readonly ArrayBufferWriter<byte> _payload = new(64 * 1024);

        public byte[] Endpoint { get; } = endpoint;

        public int Count { get; private set; }

        public long First { get; private set; }

        public long Last { get; private set; }

        public ReadOnlyMemory<byte> Payload => _payload.WrittenMemory;

        private bool _used;
        private int _idleBatches;

        /// <summary>At the end of a batch: whether the block took no records in more than <paramref name="limit"/> batches in a row.</summary>
        public bool Idle(int limit)
        {
            _idleBatches = _used ? 0 : _idleBatches + 1;
            _used = false;
            return _idleBatches > limit;
        }

        public bool Fits(long time) =>
            Count < PredictionBlocks.MaxRecords && Math.Max(Last, time) - Math.Min(First, time) <= PredictionBlocks.MaxSpanMs;

        public void Append(ReadOnlySpan<byte> payload, long time)
        {
            (First, Last) = Count == 0 ? (time, time) : (Math.Min(First, time), Math.Max(Last, time));
            var span = _payload.GetSpan(4 + payload.Length);
            BinaryPrimitives.WriteInt32LittleEndian(span, payload.Length);
            payload.CopyTo(span[4..]);
            _payload.Advance(4 + payload.Length);
            Count++;
            _used = true;
        }

        public void Clear()
        {
            _payload.ResetWrittenCount();
            Count = 0;
        }
    }
}
