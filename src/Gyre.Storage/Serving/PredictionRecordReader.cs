using System.Buffers.Binary;
using System.Text;

namespace Gyre.Storage.Serving;

/// <summary>
/// Reads an encoded record's fields in order (<see cref="PredictionRecordCodec"/>), strings as
/// their UTF-8 bytes or as strings; past the end (or at a bad length) it gives empty values and
/// remembers that it failed.
/// </summary>
internal ref struct PredictionRecordReader(ReadOnlySpan<byte> payload)
{
    private ReadOnlySpan<byte> _rest = payload;

    public bool Failed { get; private set; }

    public readonly bool AtEnd => _rest.IsEmpty;

    public string String() => Encoding.UTF8.GetString(Utf8());

    public ReadOnlySpan<byte> Utf8()
    {
        if (!Take(4, out var head))
        {
            return default;
        }
        var length = BinaryPrimitives.ReadInt32LittleEndian(head);
        if (length < 0 || !Take(length, out var bytes))
        {
            Failed = true;
            return default;
        }
        return bytes;
    }

    public long Int64() => Take(8, out var bytes) ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;

    public double Double() => BitConverter.Int64BitsToDouble(Int64());

    private bool Take(int count, out ReadOnlySpan<byte> bytes)
    {
        if (Failed || _rest.Length < count)
        {
            Failed = true;
            bytes = default;
            return false;
        }
        bytes = _rest[..count];
        _rest = _rest[count..];
        return true;
    }
}
