using System.Diagnostics;
using System.Security.Cryptography;
using Gyre.Client;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Bench;

/// <summary>
/// Re-running an unchanged 7-step pipeline (ingest a file, validate, split, train, evaluate, gate,
/// deploy) on a 1,000,000-row dataset, everything cached: the time from asking for the run over
/// HTTP to seeing it finished. Beside it, in each round, the time to hash the input file once —
/// what a cache that re-reads its inputs pays before it can tell that nothing changed.
/// </summary>
internal static class PipelineBenchmark
{
    private const int Rows = 1_000_000;
    private const int Rounds = 5;

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-pipeline-").FullName;
        try
        {
            var csv = Path.Combine(folder, "events.csv");
            var numeric = string.Join(", ", Enumerable.Range(0, 16).Select(i => $"round(random() * {i + 1}, 4) AS x{i}"));
            var categorical = string.Join(", ", Enumerable.Range(0, 4).Select(i => $"'k' || CAST(floor(random() * {(i + 2) * 3}) AS INT) AS c{i}"));
            GeneratedCsv.Write(csv, 0.3, $"SELECT 'id' || i AS id, *, (x0 + x1 / 2 + (CASE WHEN c0 = 'k1' THEN 0.3 ELSE 0 END) + random() * 0.5 > 1.4) AS label FROM (SELECT range AS i, {numeric}, {categorical} FROM range({Rows}))");
            await File.WriteAllTextAsync(Path.Combine(folder, "suite.yaml"), "constraints:\n  - {type: is_complete, column: id}\n  - {type: has_min, column: x0, min: 0}\n");
            await File.WriteAllTextAsync(Path.Combine(folder, "pipeline.yaml"), """
                name: bench
                params: {label: label}
                steps:
                  - {id: data, uses: ingest, with: {dataset: events, path: events.csv}}
                  - {id: check, uses: validate, needs: [data], with: {suite: suite.yaml}}
                  - {id: split, uses: split, needs: [check], with: {method: hash, key: id, test: 0.2}}
                  - {id: train, uses: train, needs: [split], with: {task: binary, trainer: lightgbm}}
                  - {id: eval, uses: evaluate, needs: [train, split]}
                  - {id: gate, uses: gate, needs: [eval], with: {metric: auc, threshold: 0.6}}
                  - {id: ship, uses: deploy, needs: [gate], with: {endpoint: bench}}
                """);
            Console.WriteLine($"pipeline: {Rows:N0} rows x 20 features ({new FileInfo(csv).Length / 1e6:N0} MB CSV), 7 steps");

            await using var server = await BenchServer.StartAsync();
            using var client = new GyreClient(new GyreClientOptions { Server = server.Address, Timeout = TimeSpan.FromMinutes(30) });
            await client.Pipelines.SaveAsync(await File.ReadAllTextAsync(Path.Combine(folder, "pipeline.yaml")), folder);
            var stopwatch = Stopwatch.StartNew();
            var first = await RunAsync(client);
            Console.WriteLine($"pipeline: first run {stopwatch.Elapsed.TotalSeconds:N1} s, {first.State}: {string.Join(", ", first.Steps.Select(s => $"{s.Id} {Seconds(s):N1} s"))}");

            var ratios = new List<double>();
            for (var round = 1; round <= Rounds; round++)
            {
                stopwatch.Restart();
                await using (var stream = File.OpenRead(csv))
                {
                    await SHA256.HashDataAsync(stream);
                }
                var hash = stopwatch.Elapsed.TotalSeconds;
                stopwatch.Restart();
                var run = await RunAsync(client);
                var cached = stopwatch.Elapsed.TotalSeconds;
                ratios.Add(cached / hash);
                Console.WriteLine($"pipeline round {round}: cached re-run {cached * 1000:N0} ms ({string.Join(", ", run.Steps.GroupBy(s => s.State).Select(g => $"{g.Count()} {g.Key}"))}); "
                    + $"hashing the input once {hash * 1000:N0} ms; ratio {cached / hash:N2}x");
            }
            Console.WriteLine($"pipeline: median ratio {ratios.Order().ElementAt(Rounds / 2):N2}x of one hash of the input");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<PipelineRun> RunAsync(GyreClient client)
    {
        var run = await client.Pipelines.StartRunAsync("bench");
        while (!run.Finished)
        {
            await Task.Delay(5);
            run = await client.Pipelines.GetRunAsync(run.Id);
        }
        return run.State == RunStates.Succeeded ? run : throw new InvalidOperationException($"run {run.Id} {run.State}: {run.Error}");
    }

    private static double Seconds(StepRun step) => ((step.EndTime ?? 0) - (step.StartTime ?? 0)) / 1000.0;
}
