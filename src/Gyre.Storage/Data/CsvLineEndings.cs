using Gyre.Core.Errors;

namespace Gyre.Storage.Data;

/// <summary>
/// Finds where a CSV file switches between <c>\r\n</c> and <c>\n</c> line endings, which DuckDB's
/// strict RFC 4180 reader refuses with a message that says neither what nor where. Read only on
/// the way to an error: a well-formed file is never scanned twice.
/// </summary>
internal static class CsvLineEndings
{
    /// <summary>Throws invalid_argument naming the line whose ending differs from the lines before it; returns when the file uses one kind.</summary>
    public static void ThrowIfMixed(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var buffer = new byte[1 << 16];
        long line = 1;
        bool? crlf = null;
        var previous = (byte)0;
        var quoted = false;
        int read;
        while ((read = file.Read(buffer)) > 0)
        {
            foreach (var b in buffer.AsSpan(0, read))
            {
                if (b == (byte)'"')
                {
                    quoted = !quoted; // a line break inside quotes is data, not an ending
                }
                else if (b == (byte)'\n' && !quoted)
                {
                    var thisCrlf = previous == (byte)'\r';
                    if (crlf is { } before && before != thisCrlf)
                    {
                        throw GyreException.Invalid($"body: line {line} ends in {Name(thisCrlf)} where the lines before end in {Name(before)}; "
                            + "expected one kind of line ending (convert the file, e.g. with dos2unix)");
                    }
                    crlf = thisCrlf;
                    line++;
                }
                previous = b;
            }
        }
    }

    private static string Name(bool crlf) => crlf ? "\\r\\n" : "\\n";
}
