using System.Buffers;
using System.Buffers.Binary;
using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>
/// One request's prediction records, encoded once (<see cref="PredictionRecordCodec"/>) into a
/// buffer rented from the shared pool, each behind its length. The log carries records this way
/// from the request to the journal and the tables: a batch waits up to
/// <see cref="PredictionLog.BatchTime"/> for the table writer, and records kept as objects
/// that long outlived every young-generation collection of the time, which then copied them all
/// (side by side, a fast-log collection paused serving for 2.7-3.8 ms against 1.9-2.0 ms this
/// way). <see cref="Dispose"/> gives the buffer back; a buffer never given back is only garbage.
/// </summary>
internal sealed class EncodedRecords : IDisposable
{
    /// <summary>
    /// The log's own pool: its buffers are rented on requests' threads and given back in thousands
    /// at a time by the table writer, which overflows the shared pool's per-thread and per-core
    /// caches; this one holds as many as a full batch time of records.
    /// </summary>
    private static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1 << 20, maxArraysPerBucket: 8192);

    private byte[]? _buffer;
    private readonly int _length;

    private EncodedRecords(byte[] buffer, int length, int count)
    {
        _buffer = buffer;
        _length = length;
        Count = count;
    }

    public int Count { get; }

    public static EncodedRecords Encode(IReadOnlyList<PredictionRecord> records)
    {
        var size = 0;
        foreach (var record in records)
        {
            size += 4 + PredictionRecordCodec.MaxBytes(record);
        }
        var buffer = Pool.Rent(size);
        var at = 0;
        foreach (var record in records)
        {
            var length = PredictionRecordCodec.Write(buffer.AsSpan(at + 4), record);
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), length);
            at += 4 + length;
        }
        return new EncodedRecords(buffer, at, records.Count);
    }

    /// <summary>Records read back as payloads (the journal's replay), each a whole encoded record.</summary>
    public static EncodedRecords Of(IReadOnlyList<byte[]> payloads)
    {
        var buffer = Pool.Rent(Math.Max(1, payloads.Sum(p => 4 + p.Length)));
        var at = 0;
        foreach (var payload in payloads)
        {
            BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(at), payload.Length);
            payload.CopyTo(buffer.AsSpan(at + 4));
            at += 4 + payload.Length;
        }
        return new EncodedRecords(buffer, at, payloads.Count);
    }

    /// <summary>Each record's encoding, in order.</summary>
    public Enumerator GetEnumerator() => new(_buffer.AsSpan(0, _length));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            Pool.Return(buffer);
        }
    }

    /// <summary>Walks the length-prefixed payloads, of these records or of a block of the log's table, which holds them the same way.</summary>
    public ref struct Enumerator(ReadOnlySpan<byte> rest)
    {
        private ReadOnlySpan<byte> _rest = rest;

        public readonly Enumerator GetEnumerator() => this;

        public ReadOnlySpan<byte> Current { get; private set; }

        public bool MoveNext()
        {
            if (_rest.IsEmpty)
            {
                return false;
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(_rest);
            Current = _rest.Slice(4, length);
            _rest = _rest[(4 + length)..];
            return true;
        }
    }
}
