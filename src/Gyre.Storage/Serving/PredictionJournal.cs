using System.Buffers;
using System.Text;
using System.Text.Json;
using Gyre.Core.Serving.Log;
using Microsoft.Win32.SafeHandles;

namespace Gyre.Storage.Serving;

/// <summary>
/// The prediction log's write-ahead journal: durable records are appended as JSON lines, one write
/// and one sync per group, before their callers are answered; the log's tables take them later in
/// batches. There are two files, written in turn: while one fills, the other is emptied once every
/// record in it is committed to the tables, so the journal stays small under endless load. On
/// start, what the files still hold is replayed (ids make a replay idempotent); a torn last line,
/// never acknowledged, is ignored. Used by one thread.
/// </summary>
internal sealed class PredictionJournal : IDisposable
{
    /// <summary>The journal moves to the other file once this one holds this much and the other is empty.</summary>
    public const long SwitchBytes = 8 << 20;

    private readonly SafeFileHandle[] _files;
    private readonly long[] _length = new long[2];
    private readonly long[] _lastSequence = new long[2];
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;
    private int _active;
    private long _sequence;

    private PredictionJournal(string logPath)
    {
        _files = [OpenFile(logPath + ".journal.0"), OpenFile(logPath + ".journal.1")];
        _length[0] = RandomAccess.GetLength(_files[0]);
        _length[1] = RandomAccess.GetLength(_files[1]);
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Opens the journal of the log at <paramref name="logPath"/>: files beside it named <c>.journal.0</c> and <c>.journal.1</c>.</summary>
    public static PredictionJournal Open(string logPath) => new(logPath);

    /// <summary>Appends the records and returns once they are on disk, with the group's sequence number.</summary>
    public long Append(IEnumerable<PredictionRecord> records)
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
        var file = _files[_active];
        try
        {
            RandomAccess.Write(file, _buffer.WrittenSpan, _length[_active]);
            RandomAccess.FlushToDisk(file);
        }
        catch
        {
            // Whatever part of the group reached the file is cut off: the journal stays a run of whole lines.
            try
            {
                RandomAccess.SetLength(file, _length[_active]);
            }
            catch (IOException)
            {
                // The next append overwrites it from the same offset; a replay stops at the first torn line.
            }
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
                RandomAccess.SetLength(_files[i], 0);
                _length[i] = 0;
            }
        }
        if (_length[_active] >= SwitchBytes && _length[1 - _active] == 0)
        {
            _active = 1 - _active;
        }
    }

    /// <summary>Every whole record the files hold; reading a file stops at its first torn or unreadable line.</summary>
    public List<PredictionRecord> ReadAll()
    {
        var records = new List<PredictionRecord>();
        for (var i = 0; i < 2; i++)
        {
            var bytes = new byte[_length[i]];
            RandomAccess.Read(_files[i], bytes, 0);
            var rest = bytes.AsSpan();
            while (rest.IndexOf((byte)'\n') is var end and >= 0 && Read(rest[..end]) is { } record)
            {
                records.Add(record);
                rest = rest[(end + 1)..];
            }
        }
        return records;
    }

    /// <summary>Empties both files, once what they held is safely in the tables.</summary>
    public void Clear()
    {
        for (var i = 0; i < 2; i++)
        {
            RandomAccess.SetLength(_files[i], 0);
            _length[i] = 0;
        }
    }

    public void Dispose()
    {
        _json.Dispose();
        _files[0].Dispose();
        _files[1].Dispose();
    }

    private static SafeFileHandle OpenFile(string path) => File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);

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
