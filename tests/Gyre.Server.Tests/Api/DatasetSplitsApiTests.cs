using System.Globalization;
using System.Net;
using System.Text;
using DuckDB.NET.Data;
using Gyre.Core.Data;
using Gyre.Core.Data.Splits;

namespace Gyre.Server.Tests.Api;

public sealed class DatasetSplitsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private Gyre.Client.DatasetsClient Datasets => fixture.Server.Client.Datasets;

    /// <summary>Rows id, label (70 % a, 30 % b), day (epoch days 0..n-1), x; ids are "r0".."r{n-1}".</summary>
    private static string Csv(int from, int to)
    {
        var text = new StringBuilder("id,label,day,x\n");
        for (var i = from; i < to; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"r{i},{(i % 10 < 7 ? "a" : "b")},{i},{i * 0.5}\n");
        }
        return text.ToString();
    }

    private async Task<DatasetVersion> AddAsync(string name, string csv)
    {
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return await Datasets.AddAsync(name, stream, DatasetFormat.Csv);
    }

    /// <summary>The rows of a part, read from its stored Parquet content through the API, as (id, label).</summary>
    private async Task<List<(string Id, string Label)>> RowsAsync(SplitPart part)
    {
        var bytes = await fixture.Server.Http.GetByteArrayAsync($"/api/v1/datasets/{part.Dataset}/versions/{part.Version}/content");
        var path = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".parquet");
        await File.WriteAllBytesAsync(path, bytes);
        try
        {
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            using var command = duck.CreateCommand();
            command.CommandText = $"SELECT id, label FROM read_parquet('{path}')";
            using var reader = command.ExecuteReader();
            var rows = new List<(string, string)>();
            while (reader.Read())
            {
                rows.Add((reader.GetString(0), reader.GetString(1)));
            }
            return rows;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static SplitPart Part(DatasetSplit split, string part) => split.Parts.Single(p => p.Part == part);

    [Fact]
    public async Task RandomSplit_TakesAnExactShare_IsRecorded_AndFoundAgain()
    {
        var name = Unique.Name("random");
        await AddAsync(name, Csv(0, 1000));
        var split = await Datasets.SplitAsync(name, 1, new SplitSpec("random", 0.2, 7));
        Assert.Equal((800L, 200L), (Part(split, "train").Rows, Part(split, "test").Rows));
        Assert.Equal(new SplitSpec("random", 0.2, 7), split.Spec);
        Assert.Equal($"{name}.train", Part(split, "train").Dataset);

        var train = await RowsAsync(Part(split, "train"));
        var test = await RowsAsync(Part(split, "test"));
        Assert.Empty(train.Select(r => r.Id).Intersect(test.Select(r => r.Id)));
        Assert.Equal(1000, train.Concat(test).Select(r => r.Id).Distinct().Count());
        // Rows keep their file order within a part.
        Assert.Equal(train.Select(r => int.Parse(r.Id[1..], CultureInfo.InvariantCulture)).Order(), train.Select(r => int.Parse(r.Id[1..], CultureInfo.InvariantCulture)));

        var part = await Datasets.GetVersionAsync($"{name}.test", Part(split, "test").Version);
        Assert.Equal(new DatasetDerivation(split.Id, name, 1, "test"), part.DerivedFrom);

        // The same request finds the recorded split (200, not 201); another seed draws other rows.
        var again = await fixture.Server.Http.PostAsync($"/api/v1/datasets/{name}/versions/1/splits",
            new StringContent("""{"method": "random", "test_fraction": 0.2, "seed": 7}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(split.Id, (await TestServer.JsonAsync(again)).GetProperty("id").GetString());
        var other = await Datasets.SplitAsync(name, 1, new SplitSpec("random", 0.2, 8));
        Assert.NotEqual(test.Select(r => r.Id).Order(), (await RowsAsync(Part(other, "test"))).Select(r => r.Id).Order());
        Assert.Equal([split.Id, other.Id], (await Datasets.ListSplitsAsync(name, 1)).Select(s => s.Id));
    }

    [Fact]
    public async Task SplitOfTheSameContent_InAnotherHome_GivesTheSameRows()
    {
        var csv = Csv(0, 500);
        var name = Unique.Name("repro");
        await AddAsync(name, csv);
        var first = await Datasets.SplitAsync(name, 1, new SplitSpec("stratified", 0.3, 11, Label: "label"));
        await using var other = await TestServer.StartAsync();
        await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await other.Client.Datasets.AddAsync(name, stream, DatasetFormat.Csv);
        var second = await other.Client.Datasets.SplitAsync(name, 1, new SplitSpec("stratified", 0.3, 11, Label: "label"));
        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Parts.Select(p => (p.Part, p.Digest, p.Rows)), second.Parts.Select(p => (p.Part, p.Digest, p.Rows)));
    }

    [Fact]
    public async Task StratifiedSplit_KeepsTheLabelShareInBothParts()
    {
        var name = Unique.Name("strat");
        await AddAsync(name, Csv(0, 1000));
        var split = await Datasets.SplitAsync(name, 1, new SplitSpec("stratified", 0.2, Label: "label"));
        var test = await RowsAsync(Part(split, "test"));
        Assert.Equal((140, 60), (test.Count(r => r.Label == "a"), test.Count(r => r.Label == "b")));
        Assert.Equal(0, split.Spec.Seed);
    }

    [Fact]
    public async Task HashSplit_KeepsEveryRowOnItsSide_AsTheDataGrows()
    {
        var name = Unique.Name("hash");
        await AddAsync(name, Csv(0, 1000));
        await AddAsync(name, Csv(0, 1500));
        var before = await Datasets.SplitAsync(name, 1, new SplitSpec("hash", 0.25, Key: "id"));
        var after = await Datasets.SplitAsync(name, 2, new SplitSpec("hash", 0.25, Key: "id"));
        var testBefore = (await RowsAsync(Part(before, "test"))).Select(r => r.Id).ToHashSet();
        var testAfter = (await RowsAsync(Part(after, "test"))).Select(r => r.Id).ToHashSet();
        Assert.Subset(testAfter, testBefore);
        Assert.Equal(testBefore, testAfter.Where(id => int.Parse(id[1..], CultureInfo.InvariantCulture) < 1000).ToHashSet());
        // About a quarter, by hash buckets rather than by an exact count.
        Assert.InRange(testAfter.Count, 1500 * 0.2, 1500 * 0.3);
    }

    [Fact]
    public async Task HashSplit_HashesTheKeyAsWritten_SoATypeChangeMovesNoRow()
    {
        var name = Unique.Name("hashtext");
        var rows = string.Concat(Enumerable.Range(0, 400).Select(i => $"{i:D4},a,{i},1.0\n"));
        await AddAsync(name, "id,label,day,x\n" + rows);
        // One key that is not a number turns the column from integers ("0007" read as 7) into text.
        await AddAsync(name, "id,label,day,x\n" + rows + "K1,b,400,2.0\n");
        var before = await Datasets.SplitAsync(name, 1, new SplitSpec("hash", 0.3, Key: "id"));
        var after = await Datasets.SplitAsync(name, 2, new SplitSpec("hash", 0.3, Key: "id"));
        var testBefore = (await RowsAsync(Part(before, "test"))).Select(r => r.Id).ToHashSet();
        var testAfter = (await RowsAsync(Part(after, "test"))).Select(r => r.Id).Where(id => id != "K1").ToHashSet();
        Assert.Equal(testBefore, testAfter);
        Assert.Contains("0007", testBefore.Concat((await RowsAsync(Part(before, "train"))).Select(r => r.Id)));
    }

    [Fact]
    public async Task TimeSplit_CutsAtATime_OrTakesTheLatestShare()
    {
        var name = Unique.Name("time");
        await AddAsync(name, Csv(0, 100));
        var cut = await Datasets.SplitAsync(name, 1, new SplitSpec("time", TimeColumn: "day", At: "90"));
        Assert.Equal((90L, 10L), (Part(cut, "train").Rows, Part(cut, "test").Rows));
        var latest = await Datasets.SplitAsync(name, 1, new SplitSpec("time", 0.3, TimeColumn: "day"));
        Assert.Equal(Enumerable.Range(70, 30).Select(i => $"r{i}"), (await RowsAsync(Part(latest, "test"))).Select(r => r.Id));

        var dates = Unique.Name("dates");
        await AddAsync(dates, "id,label,when\nr1,a,2026-01-01\nr2,a,2026-02-01\nr3,b,2026-03-01\n");
        var byDate = await Datasets.SplitAsync(dates, 1, new SplitSpec("time", TimeColumn: "when", At: "2026-02-01T00:00:00Z"));
        Assert.Equal(["r1"], (await RowsAsync(Part(byDate, "train"))).Select(r => r.Id));
        Assert.Equal("2026-02-01T00:00:00Z", byDate.Spec.At);
    }

    [Fact]
    public async Task BadSplitRequests_NameTheFieldAndWhatWasExpected()
    {
        var name = Unique.Name("badsplit");
        await AddAsync(name, Csv(0, 3) + ",a,3,1.5\n");
        async Task<string> Refused(string body, HttpStatusCode status = HttpStatusCode.BadRequest) =>
            await ProblemAssert.IsAsync(await fixture.Server.Http.PostAsync($"/api/v1/datasets/{name}/versions/1/splits",
                new StringContent(body, Encoding.UTF8, "application/json")), status, status == HttpStatusCode.BadRequest ? "invalid_argument" : "not_found");

        Assert.Contains("label: column 'churn' does not exist in", await Refused("""{"method": "stratified", "test_fraction": 0.5, "label": "churn"}"""), StringComparison.Ordinal);
        Assert.Contains("its columns are id, label, day, x", await Refused("""{"method": "stratified", "test_fraction": 0.5, "label": "churn"}"""), StringComparison.Ordinal);
        Assert.Contains("method: expected one of random, stratified, time, hash, got 'shuffle'", await Refused("""{"method": "shuffle"}"""), StringComparison.Ordinal);
        var many = await Refused("""{"method": "hash", "test_fraction": 1.5, "seed": 3}""");
        Assert.Contains("test_fraction: expected a number between 0 and 1 (exclusive), got 1.5", many, StringComparison.Ordinal);
        Assert.Contains("seed: only random and stratified splits take a seed", many, StringComparison.Ordinal);
        Assert.Contains("key: expected a column name (no column has the role id", many, StringComparison.Ordinal);
        Assert.Contains("key: column 'id' has 1 missing values", await Refused("""{"method": "hash", "test_fraction": 0.5, "key": "id"}"""), StringComparison.Ordinal);
        Assert.Contains("leaves the test part empty", await Refused("""{"method": "random", "test_fraction": 0.1}"""), StringComparison.Ordinal);
        Assert.Contains("time_column: column 'label' is categorical", await Refused("""{"method": "time", "test_fraction": 0.5, "time_column": "label"}"""), StringComparison.Ordinal);
        Assert.Contains("at: column 'day' holds integers; expected an integer cut-off, got 'soon'", await Refused("""{"method": "time", "at": "soon", "time_column": "day"}"""), StringComparison.Ordinal);
        Assert.Contains("$.test: invalid JSON", await Refused("""{"method": "random", "test": 0.2}"""), StringComparison.Ordinal);
        var rowid = Unique.Name("rowid");
        await AddAsync(rowid, "RowId,label\n1,a\n1,b\n");
        await ProblemAssert.IsAsync(await fixture.Server.Http.PostAsync($"/api/v1/datasets/{rowid}/versions/1/splits",
            new StringContent("""{"method": "random", "test_fraction": 0.5}""", Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest, "invalid_argument", "has a column named 'RowId', which the splitter reserves");
        await ProblemAssert.IsAsync(await fixture.Server.Http.PostAsync($"/api/v1/datasets/{name}/versions/9/splits",
            new StringContent("""{"method": "random", "test_fraction": 0.5}""", Encoding.UTF8, "application/json")), HttpStatusCode.NotFound, "not_found");
        // Nothing was recorded by the refused requests.
        Assert.Empty(await Datasets.ListSplitsAsync(name, 1));
        await ProblemAssert.IsAsync(await fixture.Server.Http.GetAsync($"/api/v1/datasets/{name}.test/versions"), HttpStatusCode.NotFound, "not_found");
    }
}
