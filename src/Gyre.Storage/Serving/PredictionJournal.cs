using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log's write-ahead journal: durable records are appended as frames, one write
/// and one sync per group, before their callers are answered; the log's tables take them later in
/// batches. There are two files, written in turn: while one fills, the other is emptied once every
/// record in it is committed to the tables, so the journal stays small under endless load.
/// <para>
/// An emptied file is not truncated but written over from its start, the way databases recycle
/// their write-ahead segments: a sync of blocks the file already has needs no change to the file
/// system's own metadata (<c>fdatasync</c>), so it does not wait behind the file system journal's
/// commits of every other file's writes, which under load made syncs of a growing file take
/// milliseconds instead of a tenth of one. Each frame is <c>[crc32][length][salt][record]</c>
/// (<see cref="PredictionRecordCodec"/>); the salt is drawn anew each time a file starts over, so a
/// replay reads a file's frames up to the first one that is torn (bad checksum) or left from an
/// earlier round (another salt). On start, what the files hold is replayed (ids make a replay
/// idempotent). Used by one thread.
/// </para>
/// </summary>
internal sealed class PredictionJournal : IDisposable
{
    /// <summary>The journal moves to the other file once this one holds this much and the other is empty.</summary>
    public const long SwitchBytes = 8 << 20;

    /// <summary>A frame's header: CRC-32 of the rest of the frame, payload length, salt.</summary>
    private const int HeaderBytes = 16;

    private readonly SafeFileHandle[] _files;
    private readonly long[] _length = new long[2];
    private readonly long[] _lastSequence = new long[2];
    private readonly ulong[] _salt = new ulong[2];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private int _active;
    private long _sequence;

    private PredictionJournal(string logPath, int lane)
    {
        _files = [OpenFile($"{logPath}.journal.{2 * lane}"), OpenFile($"{logPath}.journal.{(2 * lane) + 1}")];
    }

    /// <summary>
    /// Opens a journal of the log at <paramref name="logPath"/>, one per lane of the log's writers:
    /// files beside it named <c>.journal.0</c> and <c>.journal.1</c> for lane 0, <c>.journal.2</c>
    /// and <c>.journal.3</c> for lane 1.
    /// </summary>
    public static PredictionJournal Open(string logPath, int lane = 0) => new(logPath, lane);

    /// <summary>Appends the records (already encoded) and returns once they are on disk, with the group's sequence number.</summary>
    public long Append(IEnumerable<EncodedRecords> group)
    {
        if (_length[_active] == 0)
        {
            _salt[_active] = (ulong)Random.Shared.NextInt64(1, long.MaxValue); // a new round of this file
        }
        _buffer.ResetWrittenCount();
        foreach (var records in group)
        {
            foreach (var payload in records)
            {
                var frame = _buffer.GetSpan(HeaderBytes + payload.Length)[..(HeaderBytes + payload.Length)];
                payload.CopyTo(frame[HeaderBytes..]);
                Seal(frame, _salt[_active]);
                _buffer.Advance(frame.Length);
            }
        }
        var file = _files[_active];
        try
        {
            RandomAccess.Write(file, _buffer.WrittenSpan, _length[_active]);
            SyncData(file);
        }
        catch
        {
            // A replay must stop where the group began: whatever part of it reached the file was never acknowledged.
            TryEnd(file, _length[_active]);
            throw;
        }
        _length[_active] += _buffer.WrittenCount;
        _lastSequence[_active] = ++_sequence;
        return _sequence;
    }

    /// <summary>
    /// Empties each file whose records are all committed to the tables (up to <paramref name="committed"/>),
    /// and moves on to the other file when this one is full and the other empty.
    /// </summary>
    public void Release(long committed)
    {
        for (var i = 0; i < 2; i++)
        {
            if (_length[i] > 0 && _lastSequence[i] <= committed)
            {
                // Unsynced: should it not reach the disk, a replay only inserts committed rows again, which ids make a no-op.
                TryEnd(_files[i], 0);
                _length[i] = 0;
            }
        }
        if (_length[_active] >= SwitchBytes && _length[1 - _active] == 0)
        {
            _active = 1 - _active;
        }
    }

    /// <summary>Every record of the files' current rounds; reading a file stops at its first torn frame or one left from an earlier round.</summary>
    public EncodedRecords ReadAll()
    {
        var records = new List<byte[]>();
        foreach (var file in _files)
        {
            var bytes = new byte[RandomAccess.GetLength(file)];
            RandomAccess.Read(file, bytes, 0);
            var rest = bytes.AsSpan();
            var salt = rest.Length >= HeaderBytes ? BinaryPrimitives.ReadUInt64LittleEndian(rest[8..]) : 0;
            while (Unseal(rest, salt) is { } payload && PredictionRecordCodec.Read(payload) is not null)
            {
                records.Add(payload);
                rest = rest[(HeaderBytes + payload.Length)..];
            }
        }
        return EncodedRecords.Of(records);
    }

    /// <summary>Empties both files, once what they held is safely in the tables, and waits for the disk.</summary>
    public void Clear()
    {
        for (var i = 0; i < 2; i++)
        {
            RandomAccess.Write(_files[i], new byte[HeaderBytes], 0);
            SyncData(_files[i]);
            _length[i] = 0;
        }
    }

    public void Dispose()
    {
        _files[0].Dispose();
        _files[1].Dispose();
    }

    private static SafeFileHandle OpenFile(string path) => File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);

    /// <summary>Fills in a frame's header (its payload written after it): length, salt, then the checksum of both and the payload.</summary>
    private static void Seal(Span<byte> frame, ulong salt)
    {
        BinaryPrimitives.WriteInt32LittleEndian(frame[4..], frame.Length - HeaderBytes);
        BinaryPrimitives.WriteUInt64LittleEndian(frame[8..], salt);
        BinaryPrimitives.WriteUInt32LittleEndian(frame, Crc32.HashToUInt32(frame[4..]));
    }

    /// <summary>The payload of the frame at the start of <paramref name="rest"/>, or null where the round ends: no whole frame, another salt, a bad checksum.</summary>
    private static byte[]? Unseal(ReadOnlySpan<byte> rest, ulong salt)
    {
        if (rest.Length < HeaderBytes || salt == 0)
        {
            return null;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(rest[4..]);
        if (length <= 0 || length > rest.Length - HeaderBytes || BinaryPrimitives.ReadUInt64LittleEndian(rest[8..]) != salt
            || Crc32.HashToUInt32(rest[4..(HeaderBytes + length)]) != BinaryPrimitives.ReadUInt32LittleEndian(rest))
        {
            return null;
        }
        return rest[HeaderBytes..(HeaderBytes + length)].ToArray();
    }

    /// <summary>Best effort: a zero header at <paramref name="offset"/>, where a replay of the file then stops.</summary>
    private static void TryEnd(SafeFileHandle file, long offset)
    {
        try
        {
            RandomAccess.Write(file, new byte[HeaderBytes], offset);
        }
        catch (IOException)
        {
            // The next append writes over the same offset; until then a replay stops at the bad checksum.
        }
    }

    /// <summary>Waits until the file's data is on disk. On Linux with <c>fdatasync</c>: written-over blocks then need no metadata sync at all.</summary>
    private static void SyncData(SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }
        if (FDataSync(file) != 0)
        {
            throw new IOException($"fdatasync failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    [DllImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static extern int FDataSync(SafeFileHandle file);
}
