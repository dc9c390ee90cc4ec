using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Vectors;
using Gyre.Core.Json;

namespace Gyre.Server.Tests.Features;

/// <summary>
/// Vector features through HTTP: declared with their dimensions, each value checked at ingest (a file
/// with one bad vector refused whole, naming its line), and searched by similarity over each entity's
/// latest vector, checked against a brute-force search written in the test for both metrics. On both backends.
/// </summary>
public abstract class VectorSearchTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private const int Dimensions = 8;

    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private static string Vector(float[] v) => "\"[" + string.Join(", ", v.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]\"";

    [SkippableFact]
    public async Task TheNearestEntities_AreTheBruteForceOnes_ByCosineAndL2()
    {
        var random = new Random(5);
        float[] Draw() => [.. Enumerable.Range(0, Dimensions).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        // 60 items; item 3 gets a newer vector later, which the search must use.
        var latest = new Dictionary<string, float[]>();
        var regions = new Dictionary<string, string>();
        var csv = new StringBuilder("item_id,ts,region,embedding\n");
        for (var i = 0; i < 60; i++)
        {
            var v = Draw();
            latest[$"item{i}"] = v;
            regions[$"item{i}"] = i % 2 == 0 ? "north" : "south";
            csv.Append(CultureInfo.InvariantCulture, $"item{i},2026-01-01 00:00:00,{(i % 2 == 0 ? "north" : "south")},{Vector(v)}\n");
        }
        var source = await Client.AddCsvAsync("items", csv.ToString());
        var name = Unique.Name("items");
        var group = await Client.Features.CreateAsync(new NewFeatureGroup(name, $"{source}@1", ["item_id"], "ts", Vectors: new Dictionary<string, int> { ["embedding"] = Dimensions }));
        Assert.Equal(Dimensions, group.Features.Single(f => f.Name == "embedding").Dimensions);

        var newer = Draw();
        latest["item3"] = newer;
        regions["item3"] = "north";
        await using (var rows = new MemoryStream(Encoding.UTF8.GetBytes($"item_id,ts,region,embedding\nitem3,2026-02-01 00:00:00,north,{Vector(newer)}\n")))
        {
            await Client.Features.IngestAsync(name, rows, DatasetFormat.Csv);
        }
        // A file with one vector too short, or one that is not a number, is refused whole, naming the line.
        foreach (var (bad, message) in new[]
        {
            ($"item_id,ts,region,embedding\nitem1,2026-03-01 00:00:00,north,{Vector(Draw())}\nitem2,2026-03-01 00:00:00,north,\"[1, 2, 3]\"\n", "embedding: line 3: expected a JSON array of 8 finite numbers, got 3 numbers"),
            ("item_id,ts,region,embedding\nitem1,2026-03-01 00:00:00,north,\"[1, 2, 3, 4, 5, 6, 7, nan]\"\n", "embedding: line 2: expected a JSON array of 8 finite numbers, got '[1, 2, 3, 4, 5, 6, 7, nan]'"),
        })
        {
            var refused = await fixture.Server.Http.PostAsync($"/api/v1/feature-groups/{name}/rows", new StringContent(bad, Encoding.UTF8, "text/csv"));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(message, await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.Equal(2L, (await Client.Features.GetAsync(name)).Version);

        var notYet = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/feature-groups/{name}/search", new VectorQuery([.. Draw().Select(x => (double)x)]), GyreJson.Options);
        Assert.Equal(HttpStatusCode.Conflict, notYet.StatusCode);
        await Client.Features.MaterializeAsync(name);

        foreach (var (metric, k) in new[] { (VectorMetrics.Cosine, 5), (VectorMetrics.L2, 3) })
        {
            var query = Draw();
            var found = await Client.Features.SearchAsync(name, new VectorQuery([.. query.Select(x => (double)x)], k, Metric: metric));
            var expected = latest.Select(e => (e.Key, Distance: BruteForce(e.Value, query, metric))).OrderBy(e => e.Distance).Take(k).ToList();
            Assert.Equal(expected.Select(e => e.Key), found.Items.Select(m => m.Entity));
            Assert.All(found.Items.Zip(expected), p => Assert.Equal(p.Second.Distance, p.First.Distance, 5));
            Assert.Equal((60L, "embedding", metric), (found.Searched, found.Feature, found.Metric));
        }
        // A filter: among the entities whose latest region is north (item 3 moved there), the nearest of them.
        var near = Draw();
        var filtered = await Client.Features.SearchAsync(name, new VectorQuery([.. near.Select(x => (double)x)], 4,
            Filter: new Dictionary<string, System.Text.Json.JsonElement> { ["region"] = System.Text.Json.JsonSerializer.SerializeToElement("north") }));
        Assert.Equal(latest.Where(e => regions[e.Key] == "north").Select(e => (e.Key, Distance: BruteForce(e.Value, near, VectorMetrics.Cosine))).OrderBy(e => e.Distance).Take(4).Select(e => e.Key),
            filtered.Items.Select(m => m.Entity));
        Assert.Equal(31L, filtered.Searched);

        // The entity's newest vector is the one searched: item 3's own newer vector is its nearest.
        var itself = await Client.Features.SearchAsync(name, new VectorQuery([.. newer.Select(x => (double)x)], 1));
        Assert.Equal(("item3", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds()), (itself.Items[0].Entity, itself.Items[0].EventTime));
        Assert.Equal(0, itself.Items[0].Distance, 5);

        async Task<string> RefusedAsync(object body)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync($"/api/v1/feature-groups/{name}/search", body, GyreJson.Options);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("vector: expected 8 numbers (embedding's dimensions), got 3", await RefusedAsync(new VectorQuery([1, 2, 3])), StringComparison.Ordinal);
        Assert.Contains("k: expected 1 to 1000, got 0", await RefusedAsync(new VectorQuery([.. Draw().Select(x => (double)x)], 0)), StringComparison.Ordinal);
        Assert.Contains("metric: expected cosine or l2, got 'dot'", await RefusedAsync(new VectorQuery([.. Draw().Select(x => (double)x)], Metric: "dot")), StringComparison.Ordinal);
        Assert.Contains("feature: 'region' is not a vector feature of the group", await RefusedAsync(new VectorQuery([.. Draw().Select(x => (double)x)], Feature: "region")), StringComparison.Ordinal);
        Assert.Contains("filter.color: not a feature of the group to filter on (its features: region)", await RefusedAsync(new VectorQuery([.. Draw().Select(x => (double)x)],
            Filter: new Dictionary<string, System.Text.Json.JsonElement> { ["color"] = System.Text.Json.JsonSerializer.SerializeToElement("red") })), StringComparison.Ordinal);
        Assert.Contains("filter.region: expected a string, number or boolean to equal, got array", await RefusedAsync(new VectorQuery([.. Draw().Select(x => (double)x)],
            Filter: new Dictionary<string, System.Text.Json.JsonElement> { ["region"] = System.Text.Json.JsonSerializer.SerializeToElement(new[] { "north" }) })), StringComparison.Ordinal);

        // A vector declared on a column that is not text, or with no dimensions, is refused at creation.
        var created = await fixture.Server.Http.PostAsJsonAsync("/api/v1/feature-groups",
            new NewFeatureGroup(Unique.Name("bad"), $"{source}@1", ["item_id"], "ts", Vectors: new Dictionary<string, int> { ["embedding"] = 0, ["nope"] = 3 }), GyreJson.Options);
        var text = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, created.StatusCode);
        Assert.Contains("vectors.embedding: expected 1 to 4096 dimensions, got 0", text, StringComparison.Ordinal);
        Assert.Contains("vectors.nope: not a feature of the group", text, StringComparison.Ordinal);
        var wrongLength = await fixture.Server.Http.PostAsJsonAsync("/api/v1/feature-groups",
            new NewFeatureGroup(Unique.Name("bad"), $"{source}@1", ["item_id"], "ts", Vectors: new Dictionary<string, int> { ["embedding"] = 4 }), GyreJson.Options);
        Assert.Contains("from: " + source + "@1: embedding: line 2: expected a JSON array of 4 finite numbers, got 8 numbers", await wrongLength.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    /// <summary>The distance written out in doubles: 1 − cosine similarity, or the Euclidean distance.</summary>
    private static double BruteForce(float[] x, float[] q, string metric)
    {
        double dot = 0, xx = 0, qq = 0, squares = 0;
        for (var i = 0; i < x.Length; i++)
        {
            dot += (double)x[i] * q[i];
            xx += (double)x[i] * x[i];
            qq += (double)q[i] * q[i];
            squares += ((double)x[i] - q[i]) * ((double)x[i] - q[i]);
        }
        return metric == VectorMetrics.Cosine ? 1 - dot / Math.Sqrt(xx * qq) : Math.Sqrt(squares);
    }
}

public sealed class VectorSearchTestsOnSqlite(ServerFixture fixture) : VectorSearchTests<ServerFixture>(fixture);

public sealed class VectorSearchTestsOnPostgres(PostgresServerFixture fixture) : VectorSearchTests<PostgresServerFixture>(fixture);
