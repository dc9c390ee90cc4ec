using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Json;

namespace Gyre.Server.Tests.Features;

/// <summary>Feature groups through HTTP: created over a dataset version, rows appended, a file that does not match refused whole, bad requests named.</summary>
public sealed class FeatureGroupsApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private Task<string> AddAsync(string csv) => Client.AddCsvAsync("usage", csv);

    private const string Base = "customer_id,ts,calls,plan\nc1,2026-01-01 10:00:00,3,basic\nc2,2026-01-01 11:00:00,5,pro\n";

    [Fact]
    public async Task AGroup_TakesRows_AndRefusesAFileThatDoesNotMatch_Whole()
    {
        var source = await AddAsync(Base);
        var name = Unique.Name("calls");
        var group = await Client.Features.CreateAsync(new NewFeatureGroup(name, $"{source}@1", ["customer_id"], "ts", TtlSeconds: 86400, Description: "calls per customer"));
        Assert.Equal(["customer_id"], group.Entities);
        Assert.Equal(("ts", 1L, 2L), (group.EventTime, group.Version, group.Rows));
        Assert.Equal([new FeatureColumn("calls", ColumnType.Integer), new FeatureColumn("plan", ColumnType.Categorical)], group.Features);

        await using (var rows = new MemoryStream(Encoding.UTF8.GetBytes("customer_id,ts,calls,plan\nc1,2026-01-02 10:00:00,4,basic\nc3,2026-01-02 12:00:00,1,pro\nc3,2026-01-03 12:00:00,2,pro\n")))
        {
            var ingested = await Client.Features.IngestAsync(name, rows, DatasetFormat.Csv);
            Assert.Equal((2L, 5L, 3L, FeatureGroup.DatasetOf(name), 1L), (ingested.Group.Version, ingested.Group.Rows, ingested.Part.Rows, ingested.Part.Dataset, ingested.Part.Version));
        }
        // The profile over both parts, pooled from their own: calls 3, 5 then 4, 1, 2.
        var profile = (await Client.Features.ProfileAsync(name)).Items;
        var calls = profile.Single(p => p.Feature == "calls");
        Assert.Equal((5L, 0L, 1.0, 5.0), (calls.Count, calls.Missing, calls.Min, calls.Max));
        Assert.Equal(3.0, calls.Mean!.Value, 9);
        Assert.Equal(Math.Sqrt(2.5), calls.Stddev!.Value, 9);
        Assert.Equal(4.0, calls.ByPart[0].Mean!.Value, 9);
        Assert.Equal(7.0 / 3, calls.ByPart[1].Mean!.Value, 9);
        Assert.Equal([new ValueCount("pro", 3), new ValueCount("basic", 2)], profile.Single(p => p.Feature == "plan").TopValues);

        // A file whose calls are not numbers, and one with a column the group does not have: refused, nothing kept.
        foreach (var (csv, problem) in new[]
        {
            ("customer_id,ts,calls,plan\nc1,2026-01-04 10:00:00,4,basic\nc2,2026-01-04 11:00:00,many,basic\n", "calls: expected integer, found categorical (line 3: 'many')"),
            ("customer_id,ts,calls,plan,region\nc1,2026-01-04 10:00:00,4,basic,north\n", "region: expected only the declared columns"),
            ("customer_id,calls,plan\nc1,4,basic\n", "ts: expected a column 'ts' (role timestamp), found no such column"),
        })
        {
            var refused = await fixture.Server.Http.PostAsync($"/api/v1/feature-groups/{name}/rows", new StringContent(csv, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(problem, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        var shown = await Client.Features.GetAsync(name);
        Assert.Equal((2L, 5L), (shown.Version, shown.Rows));
        Assert.Single((await Client.Datasets.ListVersionsAsync(FeatureGroup.DatasetOf(name))).Items);
        Assert.Contains((await Client.Features.ListAsync()).Items, g => g.Name == name);

        // Deleted: the group and its ingests go, the dataset it was created from stays.
        await Client.Features.DeleteAsync(name);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/feature-groups/{name}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Server.Http.GetAsync($"/api/v1/datasets/{FeatureGroup.DatasetOf(name)}/versions")).StatusCode);
        Assert.Equal(2L, (await Client.Datasets.GetVersionAsync(source, 1)).Rows);
    }

    [Fact]
    public async Task BadGroups_AreA400NamingTheField_AndADuplicateA409()
    {
        var source = await AddAsync(Base);
        async Task<string> RefusedAsync(object body, HttpStatusCode status = HttpStatusCode.BadRequest)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/feature-groups", body, GyreJson.Options);
            Assert.Equal(status, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        var name = Unique.Name("bad");
        Assert.Contains("entities: 'customer' is not a column of", await RefusedAsync(new NewFeatureGroup(name, source, ["customer"], "ts")), StringComparison.Ordinal);
        Assert.Contains("event_time: 'calls' is a integer column of", await RefusedAsync(new NewFeatureGroup(name, source, ["customer_id"], "calls")), StringComparison.Ordinal);
        Assert.Contains("features: 'ts' is the group's entity key or event time", await RefusedAsync(new NewFeatureGroup(name, source, ["customer_id"], "ts", ["ts"])), StringComparison.Ordinal);
        Assert.Contains("ttl_seconds: expected 1 to ", await RefusedAsync(new NewFeatureGroup(name, source, ["customer_id"], "ts", TtlSeconds: 0)), StringComparison.Ordinal);
        Assert.Contains("from: expected NAME, NAME@latest or NAME@VERSION, got", await RefusedAsync(new NewFeatureGroup(name, source + "@x", ["customer_id"], "ts")), StringComparison.Ordinal);
        await Client.Features.CreateAsync(new NewFeatureGroup(name, source, ["customer_id"], "ts"));
        Assert.Contains($"the feature group '{name}' exists", await RefusedAsync(new NewFeatureGroup(name, source, ["customer_id"], "ts"), HttpStatusCode.Conflict), StringComparison.Ordinal);
    }
}
