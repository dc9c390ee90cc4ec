using System.Text;
using DuckDB.NET.Data;
using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Reads and checks a CSV file's header before its rows: refuses empty or repeated column names,
/// which DuckDB's sniffer would otherwise rename silently.
/// </summary>
internal static class CsvHeader
{
    public static List<string> Read(DuckDBConnection connection, string path)
    {
        // Read leniently, so that a malformed body cannot hide the header.
        var header = DuckDbSql.Query(connection,
            $"SELECT * FROM read_csv({DuckDbSql.Literal(path)}, delim = ',', quote = '\"', escape = '\"', strict_mode = false, null_padding = true, header = false, all_varchar = true) LIMIT 1",
            r => Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? null : r.GetString(i).Trim()).ToList());
        if (header.Count == 0)
        {
            throw GyreException.Invalid("body: the file is empty");
        }
        // Trailing NULLs are the lenient reader's padding up to the widest row, not header cells,
        // unless the header line itself ends with a separator.
        var names = header[0].ToList();
        while (names.Count > 0 && names[^1] is null)
        {
            names.RemoveAt(names.Count - 1);
        }
        if (FirstLine(path).EndsWith(',') && names.Count > 0)
        {
            names.Add(null);
        }
        var problems = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            if (string.IsNullOrEmpty(name))
            {
                problems.Add($"header: column {i + 1} has no name");
            }
            else if (names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) is var first && first < i)
            {
                // DuckDB's names are case-insensitive: 'id' and 'ID' would be renamed silently.
                problems.Add($"header: column name '{name}' appears more than once, ignoring case (columns {first + 1} and {i + 1})");
            }
        }
        GyreException.ThrowIfAny(problems);
        return names.Select(n => n!).ToList();
    }

    /// <summary>The file's first line as text, without its line break (at most 1 MiB of it).</summary>
    private static string FirstLine(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
        return Encoding.UTF8.GetString(buffer, 0, end < 0 ? read : end).TrimEnd('\r', ' ');
    }
}
