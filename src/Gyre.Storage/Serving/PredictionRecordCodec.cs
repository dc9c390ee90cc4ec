using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>
/// A prediction record as the journal stores it: its fields in order, strings as a length and
/// their UTF-8 bytes, numbers little-endian. Encoding a string is one vectorised copy, where a
/// JSON writer checks every character for escaping first; the journal's frames carry the checksum.
/// </summary>
internal static class PredictionRecordCodec
{
    public static void Write(IBufferWriter<byte> output, PredictionRecord record)
    {
        WriteString(output, record.PredictionId);
        WriteString(output, record.Endpoint);
        WriteString(output, record.Variant);
        WriteString(output, record.ModelName);
        WriteInt64(output, record.ModelVersion);
        WriteInt64(output, record.Time);
        WriteInt64(output, BitConverter.DoubleToInt64Bits(record.LatencyMs));
        WriteString(output, record.Inputs);
        WriteString(output, record.Outputs);
        WriteString(output, record.Routing);
    }

    /// <summary>The record encoded in <paramref name="payload"/>, or null when it is not one whole record.</summary>
    public static PredictionRecord? Read(ReadOnlySpan<byte> payload)
    {
        var reader = new Reader(payload);
        var record = new PredictionRecord(reader.String(), reader.String(), reader.String(), reader.String(), reader.Int64(), reader.Int64(),
            BitConverter.Int64BitsToDouble(reader.Int64()), reader.String(), reader.String(), reader.String());
        return reader.Failed || !reader.AtEnd ? null : record;
    }

    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        var span = output.GetSpan(4 + Encoding.UTF8.GetMaxByteCount(value.Length));
        var length = Encoding.UTF8.GetBytes(value, span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span, length);
        output.Advance(4 + length);
    }

    private static void WriteInt64(IBufferWriter<byte> output, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output.GetSpan(8), value);
        output.Advance(8);
    }

    /// <summary>Reads fields in order; past the end (or at a bad length) it gives empty values and remembers that it failed.</summary>
    private ref struct Reader(ReadOnlySpan<byte> rest)
    {
        private ReadOnlySpan<byte> _rest = rest;

        public bool Failed { get; private set; }

        public readonly bool AtEnd => _rest.IsEmpty;

        public string String()
        {
            if (!Take(4, out var head))
            {
                return "";
            }
            var length = BinaryPrimitives.ReadInt32LittleEndian(head);
            if (length < 0 || !Take(length, out var bytes))
            {
                Failed = true;
                return "";
            }
            return Encoding.UTF8.GetString(bytes);
        }

        public long Int64() => Take(8, out var bytes) ? BinaryPrimitives.ReadInt64LittleEndian(bytes) : 0;

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
}
