using System.Net;
using System.Net.Http.Headers;
using System.Text;
using DuckDB.NET.Data;
using Gyre.Core.Data;

namespace Gyre.Server.Tests.Api;

public abstract class DatasetsApiTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private const string Churn = SmallChurn.Csv;

    private HttpClient Http => fixture.Server.Http;

    private Task<HttpResponseMessage> PostAsync(string name, byte[] body, string mediaType = DatasetFormats.CsvMediaType)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return Http.PostAsync($"/api/v1/datasets/{name}/versions?source=s3%3A%2F%2Fbucket%2Fchurn.csv", content);
    }

    /// <summary>Every file in the home's dataset store: a failed add must leave none behind.</summary>
    private string[] StoredFiles() =>
        Directory.Exists(Path.Combine(fixture.Server.Home, "datasets"))
            ? Directory.GetFiles(Path.Combine(fixture.Server.Home, "datasets"), "*", SearchOption.AllDirectories)
            : [];

    [SkippableFact]
    public async Task AddCsv_RecordsDigestRowsAndInferredSchema()
    {
        var name = Unique.Name("churn");
        var bytes = Encoding.UTF8.GetBytes(Churn);
        var response = await PostAsync(name, bytes);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var version = await TestServer.JsonAsync(response);
        Assert.Equal(1, version.GetProperty("version").GetInt64());
        Assert.Equal("sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), version.GetProperty("digest").GetString());
        Assert.Equal(4, version.GetProperty("rows").GetInt64());
        Assert.Equal(bytes.Length, version.GetProperty("size_bytes").GetInt64());
        Assert.Equal("csv", version.GetProperty("format").GetString());
        Assert.Equal("ready", version.GetProperty("status").GetString());
        Assert.Equal("s3://bucket/churn.csv", version.GetProperty("source").GetString());
        var columns = version.GetProperty("columns").EnumerateArray()
            .Select(c => (c.GetProperty("name").GetString(), c.GetProperty("type").GetString(), c.GetProperty("nullable").GetBoolean())).ToList();
        Assert.Equal(
            [("customer_id", "categorical", false), ("tenure", "integer", false), ("monthly_charges", "float", true),
             ("contract", "categorical", false), ("churned", "boolean", false), ("signup", "datetime", false)],
            columns);
    }

    [SkippableFact]
    public async Task SameContentAgain_ReturnsTheExistingVersion_NewContentGetsTheNext()
    {
        var name = Unique.Name("dedupe");
        var bytes = Encoding.UTF8.GetBytes(Churn);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(name, bytes)).StatusCode);
        var again = await PostAsync(name, bytes);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await TestServer.JsonAsync(again)).GetProperty("version").GetInt64());
        var grown = await TestServer.JsonAsync(await PostAsync(name, Encoding.UTF8.GetBytes(Churn + "c5,1,20.0,monthly,true,2024-07-01\n")));
        Assert.Equal((2, 5), (grown.GetProperty("version").GetInt64(), grown.GetProperty("rows").GetInt64()));

        var latest = await fixture.Server.Client.Datasets.GetVersionAsync(name);
        Assert.Equal(2, latest.Version);
        Assert.Equal([2L, 1L], (await fixture.Server.Client.Datasets.ListVersionsAsync(name)).Items.Select(v => v.Version));
        Assert.Equal(bytes, await Http.GetByteArrayAsync($"/api/v1/datasets/{name}/versions/1/content"));
    }

    [SkippableFact]
    public async Task AddParquet_ReadsTheSameSchema()
    {
        var csv = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        var parquet = Path.ChangeExtension(csv, ".parquet");
        await File.WriteAllTextAsync(csv, Churn);
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var copy = duck.CreateCommand();
            copy.CommandText = $"COPY (SELECT * FROM read_csv('{csv}')) TO '{parquet}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }
        var version = await fixture.Server.Client.Datasets.AddAsync(Unique.Name("pq"), File.OpenRead(parquet), DatasetFormat.Parquet);
        Assert.Equal((DatasetFormat.Parquet, 4L), (version.Format, version.Rows));
        Assert.Equal([ColumnType.Categorical, ColumnType.Integer, ColumnType.Float, ColumnType.Categorical, ColumnType.Boolean, ColumnType.Datetime],
            version.Columns.Select(c => c.Type));
        File.Delete(csv);
        File.Delete(parquet);
    }

    [SkippableTheory]
    [InlineData("", "body: the file is empty")]
    [InlineData("a,,c\n1,2,3\n", "header: column 2 has no name")]
    [InlineData("a,b,a\n1,2,3\n", "header: column name 'a' appears more than once, ignoring case (columns 1 and 3)")]
    [InlineData("id,ID\n1,2\n", "header: column name 'ID' appears more than once, ignoring case (columns 1 and 2)")]
    [InlineData("a,b\n1,2\n3,4,5,6\n5,6\n", "not a readable CSV file: CSV Error on Line: 3")]
    [InlineData("a,b\n1,2\n3\n", "CSV Error on Line: 3")]
    [InlineData("a,b\n1,\"unterminated\n", "not a readable CSV file")]
    [InlineData("a,b,\n1,2,\n", "header: column 3 has no name")]
    public async Task BadCsv_Is400_AndLeavesNothingBehind(string csv, string expected)
    {
        var name = Unique.Name("bad");
        var before = StoredFiles().Length;
        await ProblemAssert.IsAsync(await PostAsync(name, Encoding.UTF8.GetBytes(csv)), HttpStatusCode.BadRequest, "invalid_argument", expected);
        Assert.Equal(before, StoredFiles().Length);
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/datasets/{name}/versions"), HttpStatusCode.NotFound, "not_found");
    }

    [SkippableFact]
    public async Task OtherEncodings_Are400_NamingTheEncoding()
    {
        byte[] latin1 = [.. "name,city\nRen"u8, 0xE9, .. ",Paris\n"u8];
        await ProblemAssert.IsAsync(await PostAsync(Unique.Name("latin1"), latin1), HttpStatusCode.BadRequest, "invalid_argument", "This file is not utf-8 encoded");
        byte[] utf16 = [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("a,b\n1,2\n")];
        await ProblemAssert.IsAsync(await PostAsync(Unique.Name("utf16"), utf16), HttpStatusCode.BadRequest, "invalid_argument", "body: the file is UTF-16 encoded; expected UTF-8");
    }

    [SkippableFact]
    public async Task SkipPolicy_LeavesMalformedRowsOut_CountsThem_AndEveryReadingAgrees()
    {
        var name = Unique.Name("skip");
        const string Csv = "id,score,plan\n1,0.5,basic\n2,0.7\n3,0.9,pro,extra\n4,1.1,pro\n5,\"unterminated,basic\n";
        var response = await Http.PostAsync($"/api/v1/datasets/{name}/versions?on_bad_rows=skip",
            new ByteArrayContent(Encoding.UTF8.GetBytes(Csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var version = await fixture.Server.Client.Datasets.GetVersionAsync(name, 1);
        Assert.Equal(2, version.Rows);
        Assert.Equal(BadRowPolicy.Skip, version.ReadOptions!.OnBadRows);
        Assert.Equal(3, version.SkippedRows!.Count);
        Assert.Equal([3L, 4L, 6L], version.SkippedRows.Examples.Select(e => e.Line));
        Assert.Equal(["MISSING COLUMNS", "TOO MANY COLUMNS", "UNQUOTED VALUE"], version.SkippedRows.Examples.Select(e => e.Error.Split(':')[0]));
        Assert.Equal([ColumnType.Integer, ColumnType.Float, ColumnType.Categorical], version.Columns.Select(c => c.Type));
        // Validation reads the version with the same policy: it sees the same two rows.
        var report = await fixture.Server.Client.Datasets.ValidateAsync(name, 1,
            new Core.Data.Validation.ValidationSuite([new Core.Data.Validation.Constraint("has_size", Min: 2, Max: 2)]));
        Assert.Equal(2.0, Assert.Single(report.Results).Observed);
        // The default policy refuses the same file, naming the first bad line.
        await ProblemAssert.IsAsync(await PostAsync(Unique.Name("fail"), Encoding.UTF8.GetBytes(Csv)), HttpStatusCode.BadRequest, "invalid_argument", "Line: 3");
        // The same content asked for with the other policy would be other rows: refused, not returned.
        await ProblemAssert.IsAsync(await PostAsync(name, Encoding.UTF8.GetBytes(Csv)), HttpStatusCode.Conflict, "conflict",
            $"on_bad_rows: this content is {name}@1 already, read with on_bad_rows=skip");
        await ProblemAssert.IsAsync(await Http.PostAsync($"/api/v1/datasets/{name}/versions?on_bad_rows=ignore", new StringContent("a\n1\n", Encoding.UTF8, "text/csv")),
            HttpStatusCode.BadRequest, "invalid_argument", "on_bad_rows: expected fail or skip, got 'ignore'");
    }

    [SkippableFact]
    public async Task ValueLateInTheFile_WidensTheColumn_InsteadOfFailing()
    {
        var csv = new StringBuilder("id,code\n");
        for (var i = 0; i < 30_000; i++)
        {
            csv.Append(i).Append(',').Append(i % 7).Append('\n');
        }
        csv.Append("30000,X7\n");
        var version = await TestServer.JsonAsync(await PostAsync(Unique.Name("late"), Encoding.UTF8.GetBytes(csv.ToString())));
        Assert.Equal(30_001, version.GetProperty("rows").GetInt64());
        Assert.Equal("categorical", version.GetProperty("columns")[1].GetProperty("type").GetString());
    }

    [SkippableFact]
    public async Task NotParquet_Is400()
    {
        await ProblemAssert.IsAsync(await PostAsync(Unique.Name("pq"), Encoding.UTF8.GetBytes("not,parquet\n1,2\n"), DatasetFormats.ParquetMediaType),
            HttpStatusCode.BadRequest, "invalid_argument", "not a readable Parquet file");
    }

    [SkippableFact]
    public async Task OtherContentType_Is415() =>
        await ProblemAssert.IsAsync(await PostAsync(Unique.Name("x"), Encoding.UTF8.GetBytes(Churn), "application/json"),
            HttpStatusCode.UnsupportedMediaType, "unsupported_media_type", "text/csv");

    [SkippableFact]
    public async Task MissingVersion_Is404_AndBadVersion_Is400()
    {
        var name = Unique.Name("v");
        await PostAsync(name, Encoding.UTF8.GetBytes(Churn));
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/datasets/{name}/versions/9"), HttpStatusCode.NotFound, "not_found", "no version 9");
        await ProblemAssert.IsAsync(await Http.GetAsync($"/api/v1/datasets/{name}/versions/first"), HttpStatusCode.BadRequest, "invalid_argument", "version:");
    }

    [SkippableFact]
    public async Task NameWithAnAtSign_Is400() =>
        await ProblemAssert.IsAsync(await PostAsync("churn@2", Encoding.UTF8.GetBytes(Churn)), HttpStatusCode.BadRequest, "invalid_argument", "name: key 'churn@2' may hold only");

    [SkippableFact]
    public async Task InfiniteValues_AreProfiled_NotRefused()
    {
        var parquet = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".parquet");
        using (var duck = new DuckDBConnection("DataSource=:memory:"))
        {
            duck.Open();
            using var copy = duck.CreateCommand();
            copy.CommandText = $"COPY (SELECT * FROM (VALUES (1.0), ('Infinity'::DOUBLE), (-2.5)) t(x)) TO '{parquet}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
        }
        var name = Unique.Name("inf");
        await fixture.Server.Client.Datasets.AddAsync(name, File.OpenRead(parquet), DatasetFormat.Parquet);
        var x = Assert.Single((await fixture.Server.Client.Datasets.GetProfileAsync(name)).Columns);
        Assert.Equal((-2.5, double.PositiveInfinity), (x.Min, x.Max));
        Assert.Equal(double.PositiveInfinity, x.Mean);
        Assert.Null(x.Stddev);
        Assert.Equal(3, Assert.Single(x.Histogram!).Count);
        File.Delete(parquet);
    }
}

public sealed class DatasetsApiTestsOnSqlite(ServerFixture fixture) : DatasetsApiTests<ServerFixture>(fixture);

public sealed class DatasetsApiTestsOnPostgres(PostgresServerFixture fixture) : DatasetsApiTests<PostgresServerFixture>(fixture);
