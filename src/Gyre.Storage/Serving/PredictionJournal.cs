using System.Buffers;
using System.Text;
using System.Text.Json;
using Gyre.Core.Serving.Log;
using Microsoft.Win32.SafeHandles;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log's write-ahead journal: durable records are appended here as JSON lines, one
/// write and one sync per group, before their callers are answered; the log's SQLite tables take
/// them later in large batches. Once a batch is committed to SQLite with a sync, the journal is
/// emptied. On start, what the journal still holds is replayed (ids make the replay idempotent);
/// a torn last line, never acknowledged, is ignored.
/// </summary>
internal sealed class PredictionJournal : IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private long _length;

    private PredictionJournal(string path)
    {
        _file = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _length = RandomAccess.GetLength(_file);
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public static PredictionJournal Open(string path) => new(path);

    public bool IsEmpty => _length == 0;

    /// <summary>Appends the records and returns once they are on disk.</summary>
    public void Append(IEnumerable<PredictionRecord> records)
    {
        _buffer.ResetWrittenCount();
        foreach (var record in records)
        {
            _json.Reset(_buffer);
            Write(_json, record);
            _json.Flush();
            _buffer.GetSpan(1)[0] = (byte)'\n';
            _buffer.Advance(1);
        }
        try
        {
            RandomAccess.Write(_file, _buffer.WrittenSpan, _length);
            RandomAccess.FlushToDisk(_file);
        }
        catch
        {
            // Whatever part of the group reached the file is cut off: the journal stays a run of whole lines.
            try
            {
                RandomAccess.SetLength(_file, _length);
            }
            catch (IOException)
            {
                // The next append overwrites it from the same offset; a replay stops at the first torn line.
            }
            throw;
        }
        _length += _buffer.WrittenCount;
    }

    /// <summary>Every whole record the journal holds, oldest first; reading stops at the first torn or unreadable line.</summary>
    public List<PredictionRecord> ReadAll()
    {
        var records = new List<PredictionRecord>();
        var bytes = new byte[_length];
        RandomAccess.Read(_file, bytes, 0);
        var rest = bytes.AsSpan();
        while (rest.IndexOf((byte)'\n') is var end and >= 0)
        {
            if (Read(rest[..end]) is not { } record)
            {
                break;
            }
            records.Add(record);
            rest = rest[(end + 1)..];
        }
        return records;
    }

    /// <summary>Empties the journal, once what it held is safely in the log's tables.</summary>
    public void Clear()
    {
        RandomAccess.SetLength(_file, 0);
        _length = 0;
    }

    public void Dispose()
    {
        _json.Dispose();
        _file.Dispose();
    }

    private static void Write(Utf8JsonWriter json, PredictionRecord record)
    {
        json.WriteStartObject();
        json.WriteString("id", record.PredictionId);
        json.WriteString("endpoint", record.Endpoint);
        json.WriteString("variant", record.Variant);
        json.WriteString("model", record.ModelName);
        json.WriteNumber("version", record.ModelVersion);
        json.WriteNumber("time", record.Time);
        json.WriteNumber("latency_ms", record.LatencyMs);
        // The row and the answer are JSON already: parsed from the request or written by the gateway.
        json.WritePropertyName("inputs");
        json.WriteRawValue(record.Inputs, skipInputValidation: true);
        json.WritePropertyName("outputs");
        json.WriteRawValue(record.Outputs, skipInputValidation: true);
        json.WriteString("routing", record.Routing);
        json.WriteEndObject();
    }

    private static PredictionRecord? Read(ReadOnlySpan<byte> line)
    {
        try
        {
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(line));
            var r = document.RootElement;
            return new PredictionRecord(r.GetProperty("id").GetString()!, r.GetProperty("endpoint").GetString()!, r.GetProperty("variant").GetString()!,
                r.GetProperty("model").GetString()!, r.GetProperty("version").GetInt64(), r.GetProperty("time").GetInt64(), r.GetProperty("latency_ms").GetDouble(),
                r.GetProperty("inputs").GetRawText(), r.GetProperty("outputs").GetRawText(), r.GetProperty("routing").GetString()!);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }
}
