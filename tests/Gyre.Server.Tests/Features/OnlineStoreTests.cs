using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Features.Lookups;
using Gyre.Core.Json;
using Gyre.Core.Learning.Training;

namespace Gyre.Server.Tests.Features;

/// <summary>
/// The online store through HTTP: materialised incrementally with each entity's latest values (late
/// rows counted, ties won by the later ingest), read by entity key, on <c>/metrics</c>; and an
/// endpoint that looks its features up, checked against the same model given every input. On both backends.
/// </summary>
public abstract class OnlineStoreTests<TBackend>(TBackend fixture) : IClassFixture<TBackend> where TBackend : ServerFixture
{
    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private static readonly DateTime Now = DateTime.UtcNow;

    /// <summary>A time <paramref name="hoursAgo"/> hours before the test began, as the CSV writes it.</summary>
    private static string Ago(double hoursAgo) => Now.AddHours(-hoursAgo).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static long AgoMs(double hoursAgo) => new DateTimeOffset(DateTime.ParseExact(Ago(hoursAgo), "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), TimeSpan.Zero).ToUnixTimeMilliseconds();

    private async Task IngestAsync(string group, string csv)
    {
        await using var rows = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        await Client.Features.IngestAsync(group, rows, DatasetFormat.Csv);
    }

    private async Task<Dictionary<string, JsonElement?>> OnlineAsync(string group, params string[] customers)
    {
        var read = await Client.Features.ReadOnlineAsync(group, [.. customers.Select(c => new Dictionary<string, JsonElement> { ["customer_id"] = JsonSerializer.SerializeToElement(c) })]);
        return read.Rows.ToDictionary(r => r.Entity, r => r.Features);
    }

    [SkippableFact]
    public async Task Materializing_KeepsEachEntitysLatest_ReadsOnlyNewParts_AndCountsLateRows()
    {
        var source = await Client.AddCsvAsync("usage", $"customer_id,ts,calls,rate\nc1,{Ago(5)},3,0.5\nc1,{Ago(3)},4,inf\nc2,{Ago(4)},5,nan\n");
        var name = Unique.Name("calls");
        await Client.Features.CreateAsync(new NewFeatureGroup(name, $"{source}@1", ["customer_id"], "ts"));
        Assert.Contains("\"found\":false", JsonSerializer.Serialize(await Client.Features.ReadOnlineAsync(name, [new() { ["customer_id"] = JsonSerializer.SerializeToElement("c1") }]), GyreJson.Options), StringComparison.Ordinal);

        var first = await Client.Features.MaterializeAsync(name);
        Assert.Equal((1, 3L, 2L, 0L, false), (first.PartsRead, first.Rows, first.Updated, first.LateRows, first.UpToDate));
        Assert.Equal((1, AgoMs(3), 2L), (first.Group.Materialized!.Parts, first.Group.Materialized.EventTime, first.Group.Materialized.Entities));
        var online = await OnlineAsync(name, "c1", "c2", "c9");
        Assert.Equal((4, 5), (online["c1"]!.Value.GetProperty("calls").GetInt32(), online["c2"]!.Value.GetProperty("calls").GetInt32()));
        // A value JSON has no word for (infinity, NaN) is a missing one.
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null), (online["c1"]!.Value.GetProperty("rate").ValueKind, online["c2"]!.Value.GetProperty("rate").ValueKind));
        Assert.Null(online["c9"]);

        // A late row for c1 (older than its stored one) changes nothing but is counted; of c3's two rows of one time, the later line wins.
        await IngestAsync(name, $"customer_id,ts,calls,rate\nc1,{Ago(4)},99,1\nc2,{Ago(1)},6,1\nc3,{Ago(2)},7,1\nc3,{Ago(2)},8,1\n");
        var second = await Client.Features.MaterializeAsync(name);
        Assert.Equal((1, 4L, 2L, 1L), (second.PartsRead, second.Rows, second.Updated, second.LateRows));
        Assert.Equal((2, AgoMs(1), 3L), (second.Group.Materialized!.Parts, second.Group.Materialized.EventTime, second.Group.Materialized.Entities));
        online = await OnlineAsync(name, "c1", "c2", "c3");
        Assert.Equal([4, 6, 8], online.Values.Select(v => v!.Value.GetProperty("calls").GetInt32()));
        Assert.True((await Client.Features.MaterializeAsync(name)).UpToDate);

        // Of rows of the same time in two ingests, the later ingest wins.
        await IngestAsync(name, $"customer_id,ts,calls,rate\nc3,{Ago(2)},9,1.5\n");
        var third = await Client.Features.MaterializeAsync(name);
        Assert.Equal((1L, 1L), (third.Updated, third.LateRows));
        Assert.Equal(9, (await OnlineAsync(name, "c3"))["c3"]!.Value.GetProperty("calls").GetInt32());

        var metrics = await fixture.Server.Http.GetStringAsync("/metrics");
        var freshness = double.Parse(metrics.Split('\n').Single(l => l.StartsWith($"gyre_feature_freshness_seconds{{group=\"{name}\"}}", StringComparison.Ordinal)).Split(' ')[1], CultureInfo.InvariantCulture);
        Assert.InRange(freshness, 3600 - 2, 3600 + 600);
        Assert.Contains($"gyre_feature_online_entities{{group=\"{name}\"}} 3", metrics, StringComparison.Ordinal);
        Assert.Contains($"gyre_feature_offline_rows{{group=\"{name}\"}} 8", metrics, StringComparison.Ordinal);

        // Deleting the group empties its online store too.
        await Client.Features.DeleteAsync(name);
        await Client.Features.CreateAsync(new NewFeatureGroup(name, $"{source}@1", ["customer_id"], "ts"));
        Assert.Null((await OnlineAsync(name, "c3"))["c3"]);
    }

    [SkippableFact]
    public async Task AnEndpoint_LooksUpItsFeatures_RequestValuesWin_AndLogsWhatTheModelSaw()
    {
        // A model of calls and balance; a group that holds both per customer.
        var random = new Random(7);
        var training = new StringBuilder("calls,balance,y\n");
        for (var i = 0; i < 300; i++)
        {
            var (calls, balance) = (random.Next(0, 20), Math.Round(random.NextDouble() * 1000, 1));
            training.Append(CultureInfo.InvariantCulture, $"{calls},{balance},{(calls * 50 + balance + random.Next(-200, 200) > 900 ? 1 : 0)}\n");
        }
        var data = await Client.AddCsvAsync("churn", training.ToString());
        var model = data + "-model";
        var trained = await fixture.Server.Http.PostAsJsonAsync("/api/v1/trainings", new TrainingRequest(data, Task: "binary", Label: "y", Register: model, Seed: 1), GyreJson.Options);
        Assert.True(trained.StatusCode == HttpStatusCode.Created, await trained.Content.ReadAsStringAsync());

        var source = await Client.AddCsvAsync("accounts", $"customer_id,ts,calls,balance,region\n7,{Ago(30)},1,50.5,north\n7,{Ago(2)},12,640.0,north\n8,{Ago(3)},3,120.0,south\n9,{Ago(50)},5,900.0,east\n");
        var group = Unique.Name("accounts");
        await Client.Features.CreateAsync(new NewFeatureGroup(group, $"{source}@1", ["customer_id"], "ts", ["calls", "balance"], TtlSeconds: 86400));
        await Client.Features.MaterializeAsync(group);

        var plain = Unique.Name("plain");
        await Client.Endpoints.CreateAsync(plain, $"{model}/1");
        var looking = Unique.Name("looking");
        var created = await Client.Endpoints.CreateAsync(looking, $"{model}/1", features: new FeatureLookup([$"{group}:*"]));
        Assert.Equal([$"{group}:*"], created.Endpoint.Features!.Lookup);
        Assert.Equal(MissingPolicies.Reject, created.Endpoint.Features.Missing);

        async Task<double> ScoreAsync(string endpoint, object instance)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { instance } });
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            var prediction = JsonDocument.Parse(body).RootElement.GetProperty("predictions")[0];
            return prediction.ValueKind == JsonValueKind.Object ? prediction.GetProperty("probability").GetDouble() : prediction.GetDouble();
        }
        // The key alone gets customer 7's latest values; a value in the request wins over the stored one; a number and its text are one key.
        Assert.Equal(await ScoreAsync(plain, new { calls = 12, balance = 640.0 }), await ScoreAsync(looking, new { customer_id = 7 }));
        Assert.Equal(await ScoreAsync(plain, new { calls = 0, balance = 640.0 }), await ScoreAsync(looking, new { customer_id = "7", calls = 0 }));
        Assert.Equal(await ScoreAsync(plain, new { calls = 3, balance = 120.0 }), await ScoreAsync(looking, new { customer_id = 8.0 }));
        // KServe V1 rows are filled the same way.
        var v1 = await fixture.Server.Http.PostAsJsonAsync($"/v1/models/{looking}:predict", new { instances = new[] { new { customer_id = 7 } } });
        Assert.Equal(HttpStatusCode.OK, v1.StatusCode);

        // The log holds what the model saw: the key, and the values looked up.
        var logged = (await Client.Endpoints.ListPredictionsAsync(looking)).Items.Select(p => JsonDocument.Parse(p.Prediction.Inputs).RootElement).ToList();
        Assert.Contains(logged, i => i.GetProperty("customer_id").GetRawText() == "7" && i.GetProperty("calls").GetInt32() == 12 && i.GetProperty("balance").GetDouble() == 640.0);
        Assert.Contains(logged, i => i.GetProperty("customer_id").GetRawText() == "\"7\"" && i.GetProperty("calls").GetInt32() == 0 && i.GetProperty("balance").GetDouble() == 640.0);

        async Task<string> RefusedAsync(string path, object body)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync(path, body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
            return text;
        }
        var predict = $"/endpoints/{looking}/predict";
        Assert.Contains($"instances[0].customer_id: the feature group '{group}' has no features for 404 in its online store", await RefusedAsync(predict, new { instances = new[] { new { customer_id = 404 } } }), StringComparison.Ordinal);
        Assert.Contains("older than its time-to-live of 86400 s", await RefusedAsync(predict, new { instances = new[] { new { customer_id = 9 } } }), StringComparison.Ordinal);
        Assert.Contains($"instances[1].customer_id: expected the entity key of the feature group '{group}'", await RefusedAsync(predict, new { instances = new object[] { new { customer_id = 7 }, new { calls = 1 } } }), StringComparison.Ordinal);
        Assert.Contains("takes rows as objects", await RefusedAsync($"/v2/models/{looking}/infer", new { inputs = new[] { new { name = "calls", shape = new[] { 1 }, datatype = "FP64", data = new[] { 1.0 } } } }), StringComparison.Ordinal);

        // Under the null policy an unknown entity's features reach the model as missing values, and are logged as null.
        await Client.Endpoints.SetFeaturesAsync(looking, new FeatureLookup([$"{group}:calls", $"{group}:balance"], MissingPolicies.Null));
        await ScoreAsync(looking, new { customer_id = 404 });
        logged = (await Client.Endpoints.ListPredictionsAsync(looking)).Items.Select(p => JsonDocument.Parse(p.Prediction.Inputs).RootElement).ToList();
        Assert.Contains(logged, i => i.GetProperty("customer_id").GetRawText() == "404" && i.GetProperty("calls").ValueKind == JsonValueKind.Null);

        // Lookups that name what does not exist are refused when set.
        var bad = await fixture.Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{looking}/features", new FeatureLookup(["nope:*"]), GyreJson.Options);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("features.lookup: there is no feature group 'nope'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        bad = await fixture.Server.Http.PutAsJsonAsync($"/api/v1/endpoints/{looking}/features", new FeatureLookup([$"{group}:*"], "guess"), GyreJson.Options);
        Assert.Contains("features.missing: expected reject or null, got 'guess'", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        bad = await fixture.Server.Http.PutAsync($"/api/v1/endpoints/{looking}/features", new StringContent($"{{\"lookup\": [\"{group}:*\", null]}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("features.lookup[1]: expected GROUP:FEATURE or GROUP:*, got null", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // More rows than a request takes: refused before any lookup.
        var many = await fixture.Server.Http.PostAsJsonAsync(predict, new { instances = Enumerable.Range(0, 20_000).Select(i => new { customer_id = i }).ToArray() });
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, many.StatusCode);
        Assert.Contains("instances: 20000 rows; a request takes at most", await many.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // And none: requests carry every input again.
        await Client.Endpoints.SetFeaturesAsync(looking, null);
        Assert.Contains("missing column", await RefusedAsync(predict, new { instances = new[] { new { customer_id = 7 } } }), StringComparison.Ordinal);
    }
}

public sealed class OnlineStoreTestsOnSqlite(ServerFixture fixture) : OnlineStoreTests<ServerFixture>(fixture);

public sealed class OnlineStoreTestsOnPostgres(PostgresServerFixture fixture) : OnlineStoreTests<PostgresServerFixture>(fixture);
