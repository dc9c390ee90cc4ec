using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Storage.Data;

namespace Gyre.Storage.Tests.Data;

public sealed class DuckDbTableLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gyre-loader-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task SkipPolicy_CountsMalformedRowsByLine()
    {
        var csv = Path.Combine(_folder, "s.csv");
        await File.WriteAllTextAsync(csv, "id,score,plan\n1,0.5,basic\n2,0.7\n3,0.9,pro,extra\n4,1.1,pro\n5,\"unterminated,basic\n");
        var file = await new DuckDbDatasetReader(_folder).InspectAsync(csv, DatasetFormat.Csv, new ReadOptions(BadRowPolicy.Skip), SchemaCheck.Domains(null), CancellationToken.None);
        Assert.Equal(2, file.Rows);
        Assert.Equal([3L, 4L, 6L], file.Skipped!.Examples.Select(e => e.Line));
    }

    [Fact]
    public async Task Cancelling_InterruptsTheRunningQuery()
    {
        var csv = Path.Combine(_folder, "big.csv");
        using (var duck = new DuckDB.NET.Data.DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"COPY (SELECT range AS a, range * 0.5 AS b, md5(range::VARCHAR) AS c FROM range(5000000)) TO '{csv}' (HEADER)";
            command.ExecuteNonQuery();
        }
        using var cancel = new CancellationTokenSource();
        var inspect = new DuckDbDatasetReader(_folder).InspectAsync(csv, DatasetFormat.Csv, ReadOptions.Default, SchemaCheck.Domains(null), cancel.Token);
        // Reading and profiling 5 million rows takes seconds; the interrupt ends it at once.
        // The cancel comes from a thread of its own: CancelAfter's timer runs its callback on the
        // thread pool, which on two cores (the inspection holding one pool thread) could start it
        // only after the inspection had ended, 1.5-2 s late.
        var canceller = new Thread(() =>
        {
            Thread.Sleep(300);
            cancel.Cancel();
        });
        canceller.Start();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => inspect);
        canceller.Join();
        Assert.Empty(Directory.GetDirectories(_folder));
    }
}
