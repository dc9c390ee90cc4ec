using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gyre.Core.Data;
using Gyre.Core.Features;
using Gyre.Core.Json;

namespace Gyre.Server.Tests.Features;

/// <summary>
/// Point-in-time training sets through HTTP, checked against a brute-force join written here: for
/// each entity row, every feature row is scanned. The data has ties (the same key and time twice,
/// in one file and across ingests), late-arriving rows (ingested after newer ones), entities no
/// group knows, entity times before any feature row, and times exactly at and just past the TTL.
/// </summary>
public sealed class TrainingSetTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private Gyre.Client.GyreClient Client => fixture.Server.Client;

    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private const long UsageTtl = 2 * 86400;

    /// <summary>A feature row: its part (0 first), its line in that part, key, time, and values.</summary>
    private sealed record FeatureRow(int Part, int Line, string Key, DateTime Time, string[] Values);

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private Task<string> AddAsync(string prefix, string csv) => Client.AddCsvAsync(prefix, csv);

    private static string Csv(string header, IEnumerable<FeatureRow> rows) =>
        header + "\n" + string.Concat(rows.Select(r => $"{r.Key},{Time(r.Time)},{string.Join(',', r.Values)}\n"));

    [Fact]
    public async Task TrainingSet_EqualsABruteForceJoin_AsOfEachRowsTime()
    {
        var random = new Random(27);
        string Key(int max) => $"c{random.Next(1, max + 1):D2}";
        DateTime At() => Start.AddMinutes(random.Next(0, 10 * 24 * 60));
        string[] plans = ["basic", "pro", "max"];

        // usage: two parts, with ties inside the first and between the parts, and late rows in the second.
        var usage = new List<FeatureRow>();
        for (var i = 0; i < 400; i++)
        {
            usage.Add(new FeatureRow(0, i, Key(30), At(), [random.Next(0, 50).ToString(CultureInfo.InvariantCulture), plans[random.Next(3)]]));
        }
        for (var i = 0; i < 20; i++)
        {
            var tie = usage[random.Next(usage.Count)];
            usage.Add(new FeatureRow(0, usage.Count, tie.Key, tie.Time, [random.Next(50, 99).ToString(CultureInfo.InvariantCulture), plans[random.Next(3)]]));
        }
        var second = new List<FeatureRow>();
        for (var i = 0; i < 150; i++)
        {
            // Late-arriving: event times anywhere in the range, many older than rows ingested before; some tie with the first part.
            var tie = i % 10 == 0 ? usage[random.Next(usage.Count)] : null;
            second.Add(new FeatureRow(1, i, tie?.Key ?? Key(30), tie?.Time ?? At(), [random.Next(100, 200).ToString(CultureInfo.InvariantCulture), plans[random.Next(3)]]));
        }
        // billing: one part, its own key range and no TTL.
        var billing = Enumerable.Range(0, 300).Select(i => new FeatureRow(0, i, Key(25), At(), [(random.Next(0, 10_000) / 100.0).ToString("R", CultureInfo.InvariantCulture)])).ToList();

        var usageName = Unique.Name("usage");
        await Client.Features.CreateAsync(new NewFeatureGroup(usageName, await AddAsync("usage-base", Csv("customer_id,ts,calls,plan", usage)), ["customer_id"], "ts", TtlSeconds: UsageTtl));
        await using (var stream = new MemoryStream(Encoding.UTF8.GetBytes(Csv("customer_id,ts,calls,plan", second))))
        {
            await Client.Features.IngestAsync(usageName, stream, DatasetFormat.Csv);
        }
        var billingName = Unique.Name("billing");
        await Client.Features.CreateAsync(new NewFeatureGroup(billingName, await AddAsync("billing-base", Csv("customer_id,at,balance", billing)), ["customer_id"], "at"));

        // Entity rows: keys beyond both groups' (c31–c35), times before any feature row, exactly at a
        // feature row's time, exactly at and one second past the TTL of one.
        var all = usage.Concat(second).ToList();
        var entities = new List<(string Key, DateTime Time, int Label)>();
        for (var i = 0; i < 400; i++)
        {
            var anchor = all[random.Next(all.Count)];
            var (key, time) = (i % 5) switch
            {
                0 => (anchor.Key, anchor.Time),
                1 => (anchor.Key, anchor.Time.AddSeconds(UsageTtl)),
                2 => (anchor.Key, anchor.Time.AddSeconds(UsageTtl + 1)),
                3 => (Key(35), Start.AddDays(-1).AddMinutes(random.Next(0, 12 * 24 * 60))),
                _ => (Key(35), At()),
            };
            entities.Add((key, time, random.Next(2)));
        }
        var entitiesName = await AddAsync("labels", "customer_id,ts,churned\n" + string.Concat(entities.Select(e => $"{e.Key},{Time(e.Time)},{e.Label}\n")));

        var set = await Client.Features.TrainingSetAsync(new TrainingSetRequest($"{entitiesName}@1", [$"{usageName}:*", $"{billingName}:balance"], "ts", Unique.Name("train"), "csv"));
        Assert.Equal([$"{usageName}@2", $"{billingName}@1"], set.Groups);
        Assert.Equal(entities.Count, set.Version.Rows);
        Assert.Contains($"features {usageName}@2, {billingName}@1", set.Version.Source, StringComparison.Ordinal);
        using var content = new MemoryStream();
        await Client.Datasets.DownloadAsync(set.Version.Name, set.Version.Version, content);
        var lines = Encoding.UTF8.GetString(content.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("customer_id,ts,churned,calls,plan,balance", lines[0]);

        // The oracle: every feature row scanned for each entity row.
        static string[]? AsOf(List<FeatureRow> rows, string key, DateTime time, long? ttl)
        {
            var best = rows.Where(r => r.Key == key && r.Time <= time)
                .OrderByDescending(r => r.Time).ThenByDescending(r => r.Part).ThenByDescending(r => r.Line).FirstOrDefault();
            return best is null || (ttl is { } seconds && (time - best.Time).TotalSeconds > seconds) ? null : best.Values;
        }
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < entities.Count; i++)
        {
            var (key, time, label) = entities[i];
            var cells = lines[i + 1].Split(',');
            Assert.Equal(key, cells[0]);
            Assert.Equal(time, DateTime.Parse(cells[1], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal));
            Assert.Equal(label.ToString(CultureInfo.InvariantCulture), cells[2]);
            var expectedUsage = AsOf(all, key, time, UsageTtl);
            var expectedBilling = AsOf(billing, key, time, null);
            Assert.True((expectedUsage?[0] ?? "", expectedUsage?[1] ?? "", expectedBilling is null ? "" : double.Parse(expectedBilling[0], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture))
                == (cells[3], cells[4], cells[5] == "" ? "" : double.Parse(cells[5], CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture)),
                $"row {i}: {key} at {Time(time)}: expected usage {string.Join('/', expectedUsage ?? [])} billing {expectedBilling?[0]}; got {lines[i + 1]}");
            var kind = expectedUsage is null ? "usage missing" : "usage found";
            counts[kind] = counts.GetValueOrDefault(kind) + 1;
        }
        // Both sides of the edges were reached: values found, and values missing (past the TTL, or before any row, or an unknown entity).
        Assert.True(counts.GetValueOrDefault("usage missing") > 30 && counts.GetValueOrDefault("usage found") > 100, string.Join(", ", counts));
    }

    [Fact]
    public async Task APipeline_BuildsItsTrainingSetFromAGroup_ThenSplitsAndTrains()
    {
        var random = new Random(5);
        var usage = new StringBuilder("customer_id,ts,calls\n");
        var labels = new StringBuilder("customer_id,ts,churned\n");
        for (var c = 0; c < 200; c++)
        {
            var calls = random.Next(0, 20);
            usage.Append(CultureInfo.InvariantCulture, $"c{c:D3},{Time(Start.AddHours(c))},{calls}\n");
            labels.Append(CultureInfo.InvariantCulture, $"c{c:D3},{Time(Start.AddHours(c + 1))},{(calls > 9 ? "true" : "false")}\n");
        }
        var group = Unique.Name("usage");
        await Client.Features.CreateAsync(new NewFeatureGroup(group, await AddAsync("usage-base", usage.ToString()), ["customer_id"], "ts"));
        var entities = await AddAsync("labels", labels.ToString());
        var pipeline = Unique.Name("from-features");
        var dataset = Unique.Name("churn-set");
        await Client.Pipelines.SaveAsync($$$"""
            name: {{{pipeline}}}
            steps:
              - {id: data, uses: ingest, with: {dataset: "{{{entities}}}@1"}}
              - {id: set, uses: features, needs: [data], with: {features: ["{{{group}}}:calls"], timestamp: ts, dataset: {{{dataset}}}}}
              - {id: split, uses: split, needs: [set], with: {test: 0.25, seed: 1}}
              - {id: train, uses: train, needs: [split], with: {task: binary, label: churned, features: [calls]}}
            """);
        var run = await Client.Pipelines.GetRunAsync((await Client.Pipelines.StartRunAsync(pipeline)).Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!run.Finished && !timeout.IsCancellationRequested)
        {
            await Task.Delay(200);
            run = await Client.Pipelines.GetRunAsync(run.Id);
        }
        Assert.True(run.State == Core.Pipelines.Runs.RunStates.Succeeded, run.Error ?? string.Join("; ", run.Steps.Select(s => $"{s.Id} {s.State} {s.Error}")));
        Assert.Equal($"{dataset}@1 (200 rows; {group}@1)", run.Step("set").Summary);
    }

    [Fact]
    public async Task BadRequests_AreA400NamingTheField()
    {
        var source = await AddAsync("usage-base", "customer_id,ts,calls\nc1,2026-01-01 10:00:00,3\n");
        var group = Unique.Name("usage");
        await Client.Features.CreateAsync(new NewFeatureGroup(group, source, ["customer_id"], "ts"));
        var labels = await AddAsync("labels", "customer_id,ts,day,calls_before\nc1,2026-01-02 10:00:00,3,1\n");
        var keyless = await AddAsync("labels", "id,ts\nc1,2026-01-02 10:00:00\n");
        async Task<string> RefusedAsync(TrainingSetRequest request)
        {
            var response = await fixture.Server.Http.PostAsJsonAsync("/api/v1/training-sets", request, GyreJson.Options);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadAsStringAsync();
        }
        Assert.Contains("features: there is no feature group 'nope'", await RefusedAsync(new TrainingSetRequest(labels, ["nope:*"], "ts")), StringComparison.Ordinal);
        Assert.Contains($"features: 'minutes' is not a feature of the group '{group}' (its features: calls)", await RefusedAsync(new TrainingSetRequest(labels, [$"{group}:minutes"], "ts")), StringComparison.Ordinal);
        Assert.Contains("features: expected GROUP:FEATURE or GROUP:*, got 'calls'", await RefusedAsync(new TrainingSetRequest(labels, ["calls"], "ts")), StringComparison.Ordinal);
        var twoTimes = await AddAsync("labels", "customer_id,ts,seen\nc1,2026-01-02 10:00:00,2026-01-02 11:00:00\n");
        Assert.Contains($"timestamp: {twoTimes}@1 has no column with role timestamp and 2 datetime columns; name the column", await RefusedAsync(new TrainingSetRequest(twoTimes, [$"{group}:*"])), StringComparison.Ordinal);
        Assert.Contains($"timestamp: 'day' is a integer column of {labels}@1; expected a datetime", await RefusedAsync(new TrainingSetRequest(labels, [$"{group}:*"], "day")), StringComparison.Ordinal);
        Assert.Contains($"entities: {keyless}@1 has no column 'customer_id', the entity key of the feature group '{group}'", await RefusedAsync(new TrainingSetRequest(keyless, [$"{group}:*"], "ts")), StringComparison.Ordinal);
        Assert.Contains("format: expected parquet or csv, got 'xlsx'", await RefusedAsync(new TrainingSetRequest(labels, [$"{group}:*"], "ts", Format: "xlsx")), StringComparison.Ordinal);
    }
}
