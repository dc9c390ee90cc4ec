using System.Buffers.Binary;
using System.Text;
using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>
/// A prediction record as the log carries it from the request to the tables, and as the journal
/// stores it: its fields in order, strings as a length and their UTF-8 bytes, numbers
/// little-endian. Encoding a string is one vectorised copy, where a JSON writer checks every
/// character for escaping first; the journal's frames carry the checksum.
/// </summary>
internal static class PredictionRecordCodec
{
    /// <summary>At most this many bytes encode the record.</summary>
    public static int MaxBytes(PredictionRecord record) =>
        7 * 4 + 3 * 8 + Encoding.UTF8.GetMaxByteCount(record.PredictionId.Length + record.Endpoint.Length + record.Variant.Length
            + record.ModelName.Length + record.Inputs.Length + record.Outputs.Length + record.Routing.Length);

    /// <summary>Encodes the record at the start of <paramref name="output"/> (at least <see cref="MaxBytes"/> long); returns the bytes written.</summary>
    public static int Write(Span<byte> output, PredictionRecord record)
    {
        var at = 0;
        WriteString(output, ref at, record.PredictionId);
        WriteString(output, ref at, record.Endpoint);
        WriteString(output, ref at, record.Variant);
        WriteString(output, ref at, record.ModelName);
        WriteInt64(output, ref at, record.ModelVersion);
        WriteInt64(output, ref at, record.Time);
        WriteInt64(output, ref at, BitConverter.DoubleToInt64Bits(record.LatencyMs));
        WriteString(output, ref at, record.Inputs);
        WriteString(output, ref at, record.Outputs);
        WriteString(output, ref at, record.Routing);
        return at;
    }

    /// <summary>The record encoded in <paramref name="payload"/>, or null when it is not one whole record.</summary>
    public static PredictionRecord? Read(ReadOnlySpan<byte> payload)
    {
        var reader = new PredictionRecordReader(payload);
        var record = new PredictionRecord(reader.String(), reader.String(), reader.String(), reader.String(), reader.Int64(), reader.Int64(),
            reader.Double(), reader.String(), reader.String(), reader.String());
        return reader.Failed || !reader.AtEnd ? null : record;
    }

    /// <summary>The fields the log groups, finds and counts records by, read in place without decoding the rest.</summary>
    public static PredictionRecordKey Key(ReadOnlySpan<byte> payload)
    {
        var reader = new PredictionRecordReader(payload);
        var id = reader.Utf8();
        var endpoint = reader.Utf8();
        var variant = reader.Utf8();
        reader.Utf8(); // model name
        reader.Int64(); // model version
        var time = reader.Int64();
        reader.Int64(); // latency
        reader.Utf8(); // inputs
        reader.Utf8(); // outputs
        var routing = reader.Utf8();
        return new PredictionRecordKey(id, endpoint, variant, time, routing, !reader.Failed && reader.AtEnd);
    }

    private static void WriteString(Span<byte> output, ref int at, string value)
    {
        var length = Encoding.UTF8.GetBytes(value, output[(at + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(output[at..], length);
        at += 4 + length;
    }

    private static void WriteInt64(Span<byte> output, ref int at, long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(output[at..], value);
        at += 8;
    }
}

/// <summary>A record's id, endpoint, variant and routing (as UTF-8 views into its encoding) and time; <see cref="Whole"/> is false for a record cut short.</summary>
internal readonly ref struct PredictionRecordKey(ReadOnlySpan<byte> id, ReadOnlySpan<byte> endpoint, ReadOnlySpan<byte> variant, long time, ReadOnlySpan<byte> routing, bool whole)
{
    public ReadOnlySpan<byte> Id { get; } = id;

    public ReadOnlySpan<byte> Endpoint { get; } = endpoint;

    public ReadOnlySpan<byte> Variant { get; } = variant;

    public long Time { get; } = time;

    public ReadOnlySpan<byte> Routing { get; } = routing;

    public bool Whole { get; } = whole;
}
