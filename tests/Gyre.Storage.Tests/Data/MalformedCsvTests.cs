using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Storage.Data;

namespace Gyre.Storage.Tests.Data;

/// <summary>
/// Generated malformed CSV files: a line with a field too many or too few at the start, in the
/// middle and at the end of files of several sizes, quotes left open, mixed line endings and a
/// byte-order mark. A bad line is refused with its number, or left out and counted when asked;
/// never is a file read as something else (its bad line as the header, zero rows).
/// </summary>
public sealed class MalformedCsvTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-malformed-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A churn-like file of <paramref name="rows"/> rows with six columns.</summary>
    private static List<string> Lines(int rows) =>
        ["customer_id,tenure,monthly_charges,contract,support_calls,churned",
         .. Enumerable.Range(1, rows).Select(i => $"c{i:D5},{i % 72},{20 + (i % 50) * 1.5:0.0},{(i % 3 == 0 ? "yearly" : "monthly")},{i % 4},{(i % 5 == 0 ? "true" : "false")}")];

    private async Task<string> WriteAsync(IEnumerable<string> lines, string newline = "\n", bool bom = false)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N") + ".csv");
        var text = string.Join(newline, lines) + newline;
        await File.WriteAllBytesAsync(path, [.. (bom ? Encoding.UTF8.GetPreamble() : []), .. Encoding.UTF8.GetBytes(text)]);
        return path;
    }

    private Task<DatasetFile> InspectAsync(string path, BadRowPolicy policy) =>
        new DuckDbDatasetReader(_folder).InspectAsync(path, DatasetFormat.Csv, new ReadOptions(policy), SchemaCheck.Domains(null), CancellationToken.None);

    public static TheoryData<int, string, string> BadLines()
    {
        var data = new TheoryData<int, string, string>();
        foreach (var rows in new[] { 1, 2, 20, 1000 })
        {
            foreach (var where in new[] { "first", "middle", "last" })
            {
                data.Add(rows, where, ",EXTRA");
                data.Add(rows, where, "DROP");
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BadLines))]
    public async Task ALineWithAFieldTooManyOrTooFew_IsRefusedWithItsNumber_OrSkippedAndCounted(int rows, string where, string change)
    {
        var lines = Lines(rows);
        var index = where switch { "first" => 1, "middle" => 1 + (rows / 2), _ => rows };
        lines[index] = change == "DROP" ? lines[index][..lines[index].LastIndexOf(',')] : lines[index] + change;
        var path = await WriteAsync(lines);

        var error = await Assert.ThrowsAsync<GyreException>(() => InspectAsync(path, BadRowPolicy.Fail));
        Assert.Equal(ErrorCode.InvalidArgument, error.Code);
        Assert.Contains($"Line: {index + 1}", error.Message, StringComparison.Ordinal);

        var skipped = await InspectAsync(path, BadRowPolicy.Skip);
        Assert.Equal(rows - 1, skipped.Rows);
        Assert.Equal([(long)index + 1], skipped.Skipped!.Examples.Select(e => e.Line));
        if (rows > 1)
        {
            Assert.Equal(["customer_id", "tenure", "monthly_charges", "contract", "support_calls", "churned"], skipped.Columns.Select(c => c.Name));
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(500)]
    public async Task AQuoteLeftOpen_IsRefusedWithItsLine(int rows)
    {
        var lines = Lines(rows);
        lines[rows / 2 + 1] = lines[rows / 2 + 1].Replace(",monthly", ",\"monthly", StringComparison.Ordinal).Replace(",yearly", ",\"yearly", StringComparison.Ordinal);
        var error = await Assert.ThrowsAsync<GyreException>(async () => await InspectAsync(await WriteAsync(lines), BadRowPolicy.Fail));
        Assert.Contains($"Line: {rows / 2 + 2}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\n", true)]
    [InlineData("\r\n", true)]
    [InlineData("\r\n", false)]
    public async Task AByteOrderMark_AndWindowsLineEndings_AreReadAsTheyAre(string newline, bool bom)
    {
        var file = await InspectAsync(await WriteAsync(Lines(50), newline, bom), BadRowPolicy.Fail);
        Assert.Equal(50, file.Rows);
        Assert.Equal("customer_id", file.Columns[0].Name);
        Assert.Equal("churned", file.Columns[^1].Name);
        Assert.Equal(ColumnType.Boolean, file.Columns[^1].Type);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(400)]
    public async Task MixedLineEndings_AreRefusedAtTheLineWhereTheyChange(int change)
    {
        var lines = Lines(500);
        var mixed = string.Concat(lines.Select((l, i) => l + (i < change ? "\r\n" : "\n")));
        var path = Path.Combine(_folder, "mixed.csv");
        await File.WriteAllTextAsync(path, mixed);
        var error = await Assert.ThrowsAsync<GyreException>(() => InspectAsync(path, BadRowPolicy.Fail));
        Assert.Equal($"body: line {change + 1} ends in \\n where the lines before end in \\r\\n; expected one kind of line ending (convert the file, e.g. with dos2unix)", error.Message);
    }

    [Fact]
    public async Task AHeaderAlone_IsAnEmptyVersion_ButLinesThatGiveNoRow_AreRefused()
    {
        var header = await InspectAsync(await WriteAsync(Lines(0)), BadRowPolicy.Fail);
        Assert.Equal(0, header.Rows);
        var blank = await WriteAsync([Lines(0)[0], "", "", ""]);
        Assert.Equal(0, (await InspectAsync(blank, BadRowPolicy.Fail)).Rows);
    }
}
