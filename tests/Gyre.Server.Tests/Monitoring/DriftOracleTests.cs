using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Monitoring.Drift;

namespace Gyre.Server.Tests.Monitoring;

/// <summary>
/// Gyre's drift statistics against SciPy's, computed outside the tests on committed data
/// (Fixtures/drift/make_expected.py, Debian's python3-scipy): equal to 1e-6.
/// </summary>
public sealed class DriftOracleTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Fixtures", "drift");
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json"))).RootElement;

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var kase in new[] { "small", "same", "equal_sizes" })
        {
            foreach (var column in new[] { "income", "visits" })
            {
                foreach (var test in new[] { "ks", "wasserstein", "psi" })
                {
                    data.Add(kase, column, test);
                }
            }
            foreach (var column in new[] { "visits", "plan", "rating" })
            {
                foreach (var test in new[] { "chisquare", "jensenshannon" })
                {
                    data.Add(kase, column, test);
                }
            }
        }
        return data;
    }

    private async Task<(string Reference, string Current)> UploadAsync(string kase)
    {
        var reference = Unique.Name(kase);
        var current = Unique.Name(kase);
        await using (var stream = File.OpenRead(Path.Combine(Folder, $"{kase}_reference.csv")))
        {
            await fixture.Server.Client.Datasets.AddAsync(reference, stream, DatasetFormat.Csv);
        }
        await using (var stream = File.OpenRead(Path.Combine(Folder, $"{kase}_current.csv")))
        {
            await fixture.Server.Client.Datasets.AddAsync(current, stream, DatasetFormat.Csv);
        }
        return (reference, current);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Statistic_EqualsSciPy(string kase, string column, string test)
    {
        var (reference, current) = await UploadAsync(kase);

        var report = await fixture.Server.Client.Datasets.DriftAsync(new DriftRequest(new DatasetSide(reference, 1), new DatasetSide(current, 1),
            [column], new Dictionary<string, string> { [column] = test }));

        var result = Assert.Single(report.Columns);
        var expected = Expected.GetProperty(kase).GetProperty(column).GetProperty(test);
        Assert.Equal(test, result.Test);
        Assert.True(result.Exact);
        if (expected.GetProperty("statistic").ValueKind == JsonValueKind.String)
        {
            Assert.Equal(double.PositiveInfinity, result.Statistic);
        }
        else
        {
            Assert.Equal(expected.GetProperty("statistic").GetDouble(), result.Statistic, 1e-6);
        }
        if (expected.TryGetProperty("p_value", out var p))
        {
            Assert.Equal(p.GetDouble(), result.PValue!.Value, 1e-6);
            Assert.Equal(p.GetDouble() < 0.05, result.Drifted);
        }
    }

    [Fact]
    public async Task Defaults_SmallReference_UseKsAndChiSquare_AndJudgeTheDataSet()
    {
        var (reference, current) = await UploadAsync("small");

        var report = await fixture.Server.Client.Datasets.DriftAsync(new DriftRequest(new DatasetSide(reference), new DatasetSide(current)));

        Assert.Equal(["income", "visits", "plan", "rating"], report.Columns.Select(c => c.Column));
        Assert.Equal(["ks", "ks", "chisquare", "chisquare"], report.Columns.Select(c => c.Test));
        Assert.All(report.Columns, c => Assert.True(c.Drifted));
        Assert.True(report.DatasetDrift);
        Assert.Equal(1.0, report.DriftedShare);

        // A threshold set for one column leaves the others on their defaults.
        var strict = await fixture.Server.Client.Datasets.DriftAsync(new DriftRequest(new DatasetSide(reference), new DatasetSide(current),
            Thresholds: new Dictionary<string, double> { ["income"] = 1e-30 }));
        Assert.Equal([(1e-30, false), (0.05, true), (0.05, true), (0.05, true)], strict.Columns.Select(c => (c.Threshold, c.Drifted)));

        var (sameReference, sameCurrent) = await UploadAsync("same");
        var same = await fixture.Server.Client.Datasets.DriftAsync(new DriftRequest(new DatasetSide(sameReference), new DatasetSide(sameCurrent)));
        Assert.False(same.DatasetDrift);
        Assert.True(same.DriftedShare < 0.5);
    }

    [Fact]
    public async Task BadRequest_NamesTheField()
    {
        var (reference, current) = await UploadAsync("small");
        var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/drift", new
        {
            reference = new { dataset = reference },
            current = new { dataset = current },
            columns = new[] { "income", "plan", "nope", null },
            tests = new Dictionary<string, string?> { ["income"] = "anderson", ["plan"] = "ks", ["nope"] = null },
            share = 2,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await TestServer.JsonAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("share: expected a fraction above 0 and at most 1, got 2", errors);
        Assert.Contains(errors, e => e!.StartsWith("columns: 'nope' is not in both", StringComparison.Ordinal));
        Assert.Contains("tests.income: unknown test 'anderson'; expected one of ks, chisquare, wasserstein, jensenshannon, psi", errors);
        Assert.Contains("tests.plan: ks compares numbers, and 'plan' is categorical; use chisquare or jensenshannon", errors);
        Assert.Contains("columns[3]: expected a column name, got null", errors);
        Assert.Contains("tests.nope: expected a test name (ks, chisquare, wasserstein, jensenshannon, psi), got null", errors);
        Assert.Equal(HttpStatusCode.BadRequest, (await fixture.Server.Http.PostAsJsonAsync("/api/v1/drift", new { current = new { dataset = current } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.PostAsJsonAsync("/api/v1/drift",
            new { reference = new { dataset = "nothing-here" }, current = new { dataset = current } })).StatusCode);
    }
}
