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
    public static List<string> Read(DuckDBConnection connection, string path, string scratchFolder)
    {
        // The first line alone, so that malformed rows below cannot confuse the sniffer about the header.
        var line = FirstLine(path);
        if (line.Length == 0)
        {
            throw GyreException.Invalid("body: the file is empty");
        }
        var headerFile = Path.Combine(scratchFolder, "header.csv");
        File.WriteAllText(headerFile, line + "\n");
        var header = DuckDbSql.Query(connection,
            $"SELECT * FROM read_csv({DuckDbSql.Literal(headerFile)}, delim = ',', quote = '\"', escape = '\"', header = false, all_varchar = true)",
            r => Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? null : r.GetString(i).Trim()).ToList());
        File.Delete(headerFile);
        var names = header.Count == 0 ? [] : header[0];
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
    /// <remarks>A header cell holding a quoted line break is not supported: headers are names.</remarks>
    private static string FirstLine(string path)
    {
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var end = Array.IndexOf(buffer, (byte)'\n', 0, read);
        if (end < 0 && read == buffer.Length)
        {
            throw GyreException.Invalid("header: the first line is longer than 1 MiB; expected a header row of column names");
        }
        // DuckDB reads UTF-8 only; a UTF-16 file would otherwise fail as an unexplained dialect.
        if (read >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF)))
        {
            throw GyreException.Invalid("body: the file is UTF-16 encoded; expected UTF-8 (convert it, for example with iconv -f UTF-16 -t UTF-8)");
        }
        if (Array.IndexOf(buffer, (byte)0, 0, end < 0 ? read : end) >= 0)
        {
            throw GyreException.Invalid("body: the header holds NUL bytes: the file is binary or not UTF-8 text");
        }
        // A UTF-8 byte-order mark is not part of the first name (DuckDB drops it too).
        var bom = read >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF ? 3 : 0;
        return Encoding.UTF8.GetString(buffer, bom, (end < 0 ? read : end) - bom).TrimEnd('\r', ' ');
    }
}
