using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Gyre.Core.Monitoring.Windows;

/// <summary>
/// A window's logged inputs read once, column by column, straight from their JSON text (no document
/// is kept per row): each top-level property of the rows becomes a column holding, per row, a number
/// (a JSON number), a text (a string, <c>true</c>/<c>false</c>, or the raw JSON of an object or of
/// an array that is not all numbers) or a vector (an array of numbers, <c>null</c> elements NaN).
/// What the monitor's statistics, encodings and estimators read, without parsing a row twice.
/// </summary>
public sealed class LoggedColumns
{
    private readonly Dictionary<string, Column> _columns;
    private readonly Dictionary<string, Column>.AlternateLookup<ReadOnlySpan<char>> _byName;

    private LoggedColumns(int count)
    {
        Count = count;
        _columns = new Dictionary<string, Column>(StringComparer.Ordinal);
        _byName = _columns.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How many rows the window has.</summary>
    public int Count { get; }

    /// <summary>Reads logged input rows (each a JSON object; anything else counts as a row with no value).</summary>
    public static LoggedColumns Read(IReadOnlyList<string> rows)
    {
        var window = new LoggedColumns(rows.Count);
        var buffer = ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var size = Encoding.UTF8.GetMaxByteCount(rows[r].Length);
                if (size > buffer.Length)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(size);
                }
                var length = Encoding.UTF8.GetBytes(rows[r], buffer);
                window.ReadRow(buffer.AsSpan(0, length), r);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return window;
    }

    /// <summary>Whether some row has the property (even as <c>null</c>).</summary>
    public bool Has(string name) => _columns.ContainsKey(name);

    /// <summary>Whether the column's first value that is not <c>null</c> is a vector: the column is an embedding.</summary>
    public bool IsVector(string name) => _columns.TryGetValue(name, out var column) && column.FirstIsVector;

    /// <summary>Each row's number; NaN where the row has none (missing, <c>null</c>, or not a JSON number).</summary>
    public double[] Numbers(string name) => _columns.TryGetValue(name, out var column) ? column.Numbers : Filled(Count);

    /// <summary>
    /// Each row's value as a category reads it: a string as itself, a boolean as <c>true</c> or
    /// <c>false</c>, a number as its shortest round-trip text, an object or a non-numeric array as its
    /// JSON; null where missing, <c>null</c> or a vector.
    /// </summary>
    public string?[] Texts(string name)
    {
        if (!_columns.TryGetValue(name, out var column))
        {
            return new string?[Count];
        }
        var texts = new string?[Count];
        for (var r = 0; r < Count; r++)
        {
            texts[r] = column.Texts?[r] ?? (double.IsNaN(column.Numbers[r]) ? null : column.Numbers[r].ToString("R", CultureInfo.InvariantCulture));
        }
        return texts;
    }

    /// <summary>Each row's vector, or null where the row has none.</summary>
    public double[]?[] Vectors(string name) => _columns.TryGetValue(name, out var column) && column.Vectors is { } vectors ? vectors : new double[]?[Count];

    private void ReadRow(ReadOnlySpan<byte> json, int row)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return;
        }
        Span<char> name = stackalloc char[256];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var column = ColumnOf(ref reader, name);
            reader.Read();
            column.Read(ref reader, json, row, Count);
        }
    }

    private Column ColumnOf(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        var length = reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length
            ? -1
            : reader.CopyString(buffer);
        if (length >= 0 && _byName.TryGetValue(buffer[..length], out var known))
        {
            return known;
        }
        var text = length >= 0 ? new string(buffer[..length]) : reader.GetString()!;
        if (!_columns.TryGetValue(text, out var column))
        {
            _columns[text] = column = new Column(Count);
        }
        return column;
    }

    private static double[] Filled(int count)
    {
        var numbers = new double[count];
        Array.Fill(numbers, double.NaN);
        return numbers;
    }

    /// <summary>One column's values; texts and vectors are made only once a row has one.</summary>
    private sealed class Column(int count)
    {
        public double[] Numbers { get; } = Filled(count);

        public string?[]? Texts { get; private set; }

        public double[]?[]? Vectors { get; private set; }

        /// <summary>Whether the column's first value that is not <c>null</c> was a vector.</summary>
        public bool FirstIsVector { get; private set; }

        private bool _seen;

        public void Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, int row, int count)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return;
            }
            var first = !_seen;
            _seen = true;
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    Numbers[row] = reader.TryGetDouble(out var number) && double.IsFinite(number) ? number : double.NaN;
                    break;
                case JsonTokenType.String:
                    Text(row, count, reader.GetString());
                    break;
                case JsonTokenType.True:
                case JsonTokenType.False:
                    Text(row, count, reader.TokenType == JsonTokenType.True ? "true" : "false");
                    break;
                case JsonTokenType.StartArray:
                    var start = (int)reader.TokenStartIndex;
                    if (Vector(ref reader) is { } vector)
                    {
                        (Vectors ??= new double[]?[count])[row] = vector;
                        FirstIsVector |= first;
                    }
                    else
                    {
                        Text(row, count, Encoding.UTF8.GetString(json[start..(int)reader.BytesConsumed]));
                    }
                    break;
                default:
                    var from = (int)reader.TokenStartIndex;
                    reader.Skip();
                    Text(row, count, Encoding.UTF8.GetString(json[from..(int)reader.BytesConsumed]));
                    break;
            }
        }

        private void Text(int row, int count, string? text) => (Texts ??= new string?[count])[row] = text;

        /// <summary>Reads an array to its end: its numbers (null elements NaN), or null when an element is anything else (or there is none).</summary>
        private static double[]? Vector(ref Utf8JsonReader reader)
        {
            var values = new List<double>();
            var numeric = true;
            var depth = reader.CurrentDepth;
            while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
            {
                if (reader.TokenType == JsonTokenType.Number && reader.CurrentDepth == depth + 1)
                {
                    values.Add(reader.TryGetDouble(out var value) ? value : double.NaN);
                }
                else if (reader.TokenType == JsonTokenType.Null && reader.CurrentDepth == depth + 1)
                {
                    values.Add(double.NaN);
                }
                else
                {
                    numeric = false;
                    if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
                    {
                        reader.Skip();
                    }
                }
            }
            return numeric && values.Count > 0 ? [.. values] : null;
        }
    }
}
