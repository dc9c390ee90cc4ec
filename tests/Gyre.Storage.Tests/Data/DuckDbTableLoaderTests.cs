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
}
