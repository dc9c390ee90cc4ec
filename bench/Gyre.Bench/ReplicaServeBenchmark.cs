using System.Diagnostics;
using Gyre.Core.Coordination;
using Gyre.Core.Serving.Gateway;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Bench;

/// <summary>
/// <c>replicas-serve</c>: the serving benchmark's load (wrk, single-row predictions, LightGBM, a 90/10
/// canary, durable log) against three servers in this process, in alternating rounds: an all-roles
/// replica and a gateway-only replica on the PostgreSQL server named by <c>$GYRE_BENCH_POSTGRES</c>
/// (their journals ship blocks to the shared tables), and, as the baseline without shipping, one
/// server whose log's tables are its home's own SQLite file. Reported per round: throughput, p99 and
/// this process's CPU time per request (the other servers idle meanwhile).
/// </summary>
internal static class ReplicaServeBenchmark
{
    private const int Rounds = 3;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);

    /// <summary>The CPU time of every PostgreSQL process on this machine so far (Linux), which shares the cores with the servers and wrk.</summary>
    private static TimeSpan PostgresCpu()
    {
        var ticks = 0L;
        foreach (var stat in Directory.EnumerateDirectories("/proc").Where(d => Path.GetFileName(d).All(char.IsAsciiDigit)).Select(d => Path.Combine(d, "stat")))
        {
            try
            {
                var text = File.ReadAllText(stat);
                if (!text.Contains("(postgres)", StringComparison.Ordinal))
                {
                    continue;
                }
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one not ours to read.
            }
        }
        return TimeSpan.FromSeconds(ticks / 100.0); // USER_HZ
    }

    public static async Task RunAsync()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-bench-replicas-serve-").FullName;
        try
        {
            var (train, script) = await ServeBenchmark.WriteInputsAsync(folder);
            await using var schema = await PostgresBenchmarks.Schema.CreateAsync();
            var artifacts = new Uri(Path.Combine(folder, "artifacts")).AbsoluteUri;
            await using var all = await BenchServer.StartAsync(schema.Url, artifacts);
            await using var gateway = await BenchServer.StartAsync(schema.Url, artifacts, ReplicaRoles.Gateway);
            await using var local = await BenchServer.StartAsync();
            using var allClient = await ServeBenchmark.CreateEndpointsAsync(all, train);
            using var localClient = await ServeBenchmark.CreateEndpointsAsync(local, train);
            var router = gateway.Services.GetRequiredService<EndpointRouter>();
            var waited = Stopwatch.StartNew();
            while (!(router.TryGet("bench", out var served) && served.Endpoint.Variants.Count == 2))
            {
                await Task.Delay(10);
                if (waited.Elapsed > TimeSpan.FromMinutes(1))
                {
                    throw new TimeoutException("the gateway replica did not load the endpoint");
                }
            }
            var targets = new (string Name, BenchServer Server)[]
            {
                ("log local (SQLite), not shipped", local),
                ("all roles, shipped to PostgreSQL", all),
                ("gateway only, shipped", gateway),
            };
            Console.WriteLine($"replicas-serve: wrk -t2 -c{ServeBenchmark.Connections} -d{Duration.TotalSeconds:0}s, one row x 20 features, LightGBM, canary 90/10, durable log; {Rounds} rounds");
            foreach (var (_, server) in targets)
            {
                await ServeBenchmark.WrkAsync($"{server.Address}endpoints/bench/predict", script, WarmUp);
            }
            var results = targets.ToDictionary(t => t.Name, _ => new List<(ServeBenchmark.WrkResult Wrk, double CpuUs)>());
            for (var round = 1; round <= Rounds; round++)
            {
                foreach (var (name, server) in targets)
                {
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var postgres = PostgresCpu();
                    var result = await ServeBenchmark.WrkAsync($"{server.Address}endpoints/bench/predict", script, Duration);
                    var requests = result.RequestsPerSecond * Duration.TotalSeconds;
                    var cpuUs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / requests;
                    var postgresUs = (PostgresCpu() - postgres).TotalMicroseconds / requests;
                    results[name].Add((result, cpuUs));
                    Console.WriteLine($"replicas-serve round {round}: {name,-33} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,6:0.00} ms  p99 {result.P99Ms,6:0.00} ms  "
                        + $"cpu {cpuUs,5:0} us/req here, {postgresUs,5:0} us/req in PostgreSQL  non-2xx {result.Errors}");
                }
            }
            double Best(string name) => results[name].Max(r => r.Wrk.RequestsPerSecond);
            double Cpu(string name) => results[name].Min(r => r.CpuUs);
            Console.WriteLine($"replicas-serve: shipped/local throughput {Best("gateway only, shipped") / Best("log local (SQLite), not shipped"):N2}x (goal >= 0.9x), "
                + $"gateway p99 {results["gateway only, shipped"].Min(r => r.Wrk.P99Ms):0.00} ms (goal <= 5 ms); "
                + $"cpu per request gateway-only/all-roles {Cpu("gateway only, shipped") / Cpu("all roles, shipped to PostgreSQL"):N2}x");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
