using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;
using Gyre.Storage.Tests.Contract;
using Xunit.Abstractions;

namespace Gyre.Storage.Tests.Postgres;

/// <summary>
/// The search language on both backends, differentially: the same 2,000 runs on SQLite and on
/// PostgreSQL, and 600 seeded, generated filters and orderings, each walked page by page, must give
/// the same runs in the same order (or the same refusal) on both.
/// </summary>
public sealed class SearchDifferentialTests(ITestOutputHelper output)
{
    private const int Runs = 2_000;
    private const int Searches = 600;
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly string[] Models = ["LR", "lr", "GBM", "gbm_v2", "Élan", "élan", "a b", "x%y", "日本", ""];
    private static readonly string[] Teams = ["a", "A", "b", "B", "équipe"];
    private static readonly string[] Statuses = ["RUNNING", "FINISHED", "FAILED", "KILLED"];

    [SkippableFact]
    public async Task SeededFiltersAndOrderings_GiveTheSameOrderedRuns_OnBothBackends()
    {
        await using var sqlite = await Backends.SqliteAsync();
        await using var postgres = await Backends.PostgresAsync();
        var experiments = new List<ExperimentId>();
        foreach (var s in new[] { sqlite, postgres })
        {
            experiments.Add(await SeedAsync(s, new Random(2026)));
        }

        var random = new Random(7);
        var (compared, refused, rows) = (0, 0, 0L);
        for (var i = 0; i < Searches; i++)
        {
            var filter = random.Next(10) == 0 ? null : Filter(random, depth: 0);
            var orderBy = Enumerable.Range(0, random.Next(3)).Select(_ => Order(random)).ToList();
            var pageSize = random.Next(5) == 0 ? 5_000 : random.Next(60, 500);
            var onSqlite = await WalkAsync(sqlite, experiments[0], filter, orderBy, pageSize);
            var onPostgres = await WalkAsync(postgres, experiments[1], filter, orderBy, pageSize);
            var differsAt = Enumerable.Range(0, Math.Max(onSqlite.Count, onPostgres.Count))
                .FirstOrDefault(k => k >= onSqlite.Count || k >= onPostgres.Count || onSqlite[k] != onPostgres[k], -1);
            Assert.True(differsAt < 0,
                $"search {i}: filter {filter ?? "(none)"}, order by [{string.Join(", ", orderBy)}], pages of {pageSize}: "
                + $"SQLite gave {onSqlite.Count} runs, PostgreSQL {onPostgres.Count}; from position {differsAt}: "
                + $"SQLite {string.Join(",", onSqlite.Skip(differsAt).Take(6))}…, PostgreSQL {string.Join(",", onPostgres.Skip(differsAt).Take(6))}…");
            compared++;
            refused += onSqlite is [var only] && only.StartsWith("refused:", StringComparison.Ordinal) ? 1 : 0;
            rows += onSqlite.Count;
        }
        output.WriteLine($"{compared} searches compared ({refused} refused alike), {rows} runs returned in all");
        Assert.True(rows > Searches * 50, "the searches select enough runs to compare orders");
    }

    private static async Task<ExperimentId> SeedAsync(StoreUnderTest s, Random random)
    {
        var experiment = (await s.Tracking.CreateExperimentAsync("differential", [], None)).ExperimentId;
        for (var i = 0; i < Runs; i++)
        {
            // Start times are unique, so that ties on every other key end in the same order on both
            // backends (the last tie-breaker, the run id, is random and differs between the two seedings).
            var run = await s.Tracking.CreateRunAsync(new NewRun(experiment, $"r{i:D4}", StartTime: 1_767_225_600_000 + ((i * 7919) % Runs) * 3), None);
            var metrics = new List<Metric>();
            if (random.Next(8) != 0)
            {
                metrics.Add(new Metric("rmse", random.Next(15) switch { 0 => double.NaN, 1 => 1e308, 2 => -0.5, _ => Math.Round(random.NextDouble(), 2) }, 0, 1));
            }
            if (random.Next(3) != 0)
            {
                metrics.Add(new Metric("acc", random.Next(20) / 20.0, 0, 1));
            }
            var parameters = new List<Param> { new("model", Models[random.Next(Models.Length)]) };
            if (random.Next(2) == 0)
            {
                parameters.Add(new Param("lr", (random.Next(5) / 10.0).ToString(CultureInfo.InvariantCulture)));
            }
            var tags = random.Next(4) == 0 ? new List<Tag>() : [new Tag("team", Teams[random.Next(Teams.Length)])];
            await s.Tracking.LogBatchAsync(run.RunId, new LogBatch(metrics, parameters, tags), None);
            var status = Statuses[random.Next(Statuses.Length)];
            if (status != "RUNNING")
            {
                await s.Tracking.UpdateRunAsync(run.RunId, new RunUpdate(Enum.Parse<RunStatus>(status, ignoreCase: true), EndTime: 1_767_300_000_000 + random.Next(50)), None);
            }
        }
        return experiment;
    }

    /// <summary>Every run the search finds, page after page, by name; or the refusal, if the search is refused.</summary>
    private static async Task<List<string>> WalkAsync(StoreUnderTest s, ExperimentId experiment, string? filter, List<string> orderBy, int pageSize)
    {
        var names = new List<string>();
        string? token = null;
        try
        {
            do
            {
                var page = await s.Tracking.SearchRunsAsync(new RunSearch([experiment], filter, OrderBy: orderBy, MaxResults: pageSize, PageToken: token), None);
                names.AddRange(page.Items.Select(r => r.RunName));
                token = page.NextPageToken;
            }
            while (token is not null);
        }
        catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            return ["refused: " + e.Message];
        }
        return names;
    }

    private static string Filter(Random random, int depth) => random.Next(depth < 2 ? 6 : 3) switch
    {
        3 => $"{Filter(random, depth + 1)} AND {Filter(random, depth + 1)}",
        4 => $"({Filter(random, depth + 1)} OR {Filter(random, depth + 1)})",
        5 => $"NOT ({Filter(random, depth + 1)})",
        _ => Comparison(random),
    };

    private static string Comparison(Random random)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        string Quoted(string value) => "'" + value.Replace("'", "\\'", StringComparison.Ordinal) + "'";
        string Pattern() => Pick("%", "L%", "l%", "%b%", "_B_", "É%", "é%", "a\\_b", "%日%", "");
        return random.Next(9) switch
        {
            0 => $"metrics.{Pick("rmse", "acc")} {Pick("<", "<=", ">", ">=", "=", "!=")} {Pick("0", "0.5", "0.25", "-1", "1e300", "0.99")}",
            1 => $"params.model {Pick("=", "!=")} {Quoted(Pick(Models))}",
            2 => $"params.{Pick("model", "lr")} {Pick("LIKE", "ILIKE")} {Quoted(Pattern())}",
            3 => $"params.{Pick("model", "lr")} {Pick("IN", "NOT IN")} ({string.Join(", ", Enumerable.Range(0, random.Next(1, 4)).Select(_ => Quoted(Pick([.. Models, "0.1", "0.3"]))))})",
            4 => $"tags.team {Pick("=", "!=", "LIKE", "ILIKE")} {Quoted(Pick([.. Teams, "%", "é%", "A%"]))}",
            5 => $"{Pick("tags.team", "params.lr", "metrics.acc", "attributes.end_time")} IS {Pick("NULL", "NOT NULL")}",
            6 => $"attributes.status {Pick("=", "!=", "IN")} {(random.Next(2) == 0 ? Quoted(Pick(Statuses)) : "(" + Quoted(Pick(Statuses)) + ", " + Quoted(Pick(Statuses)) + ")")}",
            7 => $"attributes.start_time {Pick("<", ">=", "=")} {1_767_225_600_000 + random.Next(Runs) * 3}",
            _ => $"attributes.run_name {Pick("LIKE", "ILIKE", "=")} {Quoted(Pick("r1%", "R1%", "r0999", "%5", "r_0__"))}",
        };
    }

    private static string Order(Random random) =>
        new[] { "metrics.rmse", "metrics.acc", "params.model", "params.lr", "tags.team", "attributes.start_time", "attributes.run_name", "attributes.end_time", "attributes.status" }[random.Next(9)]
        + (random.Next(3) switch { 0 => " ASC", 1 => " DESC", _ => "" });
}
