using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Gyre.Client;
using Gyre.Core.Data;
using Gyre.Core.Learning.Training;
using Gyre.Core.Serving.Rollouts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gyre.Bench;

/// <summary>
/// Serving under load, measured with wrk on loopback, side by side in alternating rounds:
/// single-row predictions from a LightGBM model on 20 features through Gyre (durable logging on,
/// a 90/10 canary active); a bare Kestrel endpoint that reads the body and writes a constant
/// answer; and gunicorn + Flask + scikit-learn (Debian's packages) serving a gradient-boosted
/// model trained on the same data. Two more baselines, run only when named, bound what durability
/// alone costs here: the bare endpoint keeping each body durably in Gyre's prediction log, and in a
/// bare group commit (<see cref="GroupCommitSink"/>). They stay out of the default run because
/// servers idle in this process beside Gyre's made its durable rounds cost more (45-46 us a
/// request against 37-42). Needs wrk, gunicorn, python3-flask and python3-sklearn.
/// </summary>
internal static partial class ServeBenchmark
{
    private const int TrainRows = 20_000;
    internal const int Connections = 32;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(15);
    private static readonly string[] DurableBaselines = ["bare + Gyre's durable log", "bare + group commit"];
    private static readonly string[] Compared = ["bare Kestrel", "gyre", "gunicorn+flask+sklearn"];

    /// <summary>The model's 20 numeric features.</summary>
    internal static readonly IReadOnlyList<string> Features = [.. Enumerable.Range(0, 20).Select(i => $"x{i}")];

    /// <summary>The model's training data: the label (<paramref name="positive"/> or <paramref name="negative"/>) depends on two of the features, with noise.</summary>
    internal static void WriteTrainingData(string path, string positive, string negative)
    {
        var values = string.Join(", ", Features.Select((f, i) => $"random() * {i + 1} AS {f}"));
        GeneratedCsv.Write(path, 0.3, $"SELECT CASE WHEN x0 + x1 / 2 + random() > 1.5 THEN '{positive}' ELSE '{negative}' END AS label, * FROM (SELECT {values} FROM range({TrainRows}))");
    }

    /// <summary>Runs the goal's targets side by side (<c>bare</c>, <c>gyre</c>, <c>fast</c>, <c>python</c>), or only those named, which may also be the durable baselines (<c>bare-log</c>, <c>bare-sync</c>).</summary>
    public static async Task RunAsync(IReadOnlyCollection<string> only)
    {
        bool Wanted(string key) => only.Count == 0 ? key is "bare" or "gyre" or "fast" or "python" : only.Contains(key);
        var folder = Directory.CreateTempSubdirectory("gyre-bench-serve-").FullName;
        try
        {
            var (train, script) = await WriteInputsAsync(folder);
            await using var gyre = await BenchServer.StartAsync();
            using var client = await CreateEndpointsAsync(gyre, train);

            await using var bare = Wanted("bare") ? await BareKestrel.StartAsync(null) : null;
            await using var bareLog = Wanted("bare-log") ? await BareKestrel.StartAsync(new PredictionLogSink()) : null;
            await using var bareSync = Wanted("bare-sync") ? await BareKestrel.StartAsync(new GroupCommitSink()) : null;
            using var python = Wanted("python") ? await PythonServer.StartAsync(folder, train, Features) : null;

            Console.WriteLine($"serve: wrk -t2 -c{Connections} -d{Duration.TotalSeconds:0}s, one row x 20 features per request; Gyre: LightGBM, durable log, canary 90/10");
            var targets = new (string Key, string Name, string Url)[]
            {
                ("bare", "bare Kestrel", $"{bare?.Address}predict"),
                ("bare-log", "bare + Gyre's durable log", $"{bareLog?.Address}predict"),
                ("bare-sync", "bare + group commit", $"{bareSync?.Address}predict"),
                ("gyre", "gyre", $"{gyre.Address}endpoints/bench/predict"),
                ("fast", "gyre, fast log", $"{gyre.Address}endpoints/bench-fast/predict"),
                ("python", "gunicorn+flask+sklearn", $"{python?.Address}predict"),
            }.Where(t => Wanted(t.Key)).Select(t => (t.Name, t.Url)).ToList();
            var results = targets.ToDictionary(t => t.Name, _ => new List<WrkResult>());
            foreach (var (name, url) in targets)
            {
                // Long enough for tiered compilation to finish its work on the hot path: a server runs for
                // days, and its first seconds are not what it serves at.
                await WrkAsync(url, script, WarmUp);
            }
            using var http = new HttpClient();
            for (var round = 1; round <= 2; round++)
            {
                foreach (var (name, url) in targets)
                {
                    // The servers but Python's run in this process: its CPU time and allocations per request are
                    // what a change to the hot path costs, steadier on a shared machine than throughput.
                    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                    var allocated = GC.GetTotalAllocatedBytes();
                    var paused = GC.GetTotalPauseDuration();
                    var collections = GC.CollectionCount(0);
                    var switches = ContextSwitches();
                    var syncs = await DurableSyncFigures.ReadAsync(http, gyre.Address);
                    var result = await WrkAsync(url, script, Duration);
                    results[name].Add(result);
                    var requests = result.RequestsPerSecond * Duration.TotalSeconds;
                    var perRequest = name.StartsWith("gunicorn", StringComparison.Ordinal) ? "" :
                        $"  cpu {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / requests,5:0} us/req  alloc {(GC.GetTotalAllocatedBytes() - allocated) / requests,6:N0} B/req  gc {GC.CollectionCount(0) - collections} x, paused {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:0} ms  switches {(ContextSwitches() - switches) / requests:0.0}/req"
                        + (await DurableSyncFigures.ReadAsync(http, gyre.Address)).Since(syncs, Duration);
                    Console.WriteLine($"serve round {round}: {name,-26} {result.RequestsPerSecond,10:N0} req/s  p50 {result.P50Ms,7:0.00} ms  p99 {result.P99Ms,7:0.00} ms  non-2xx {result.Errors}{perRequest}");
                }
            }
            double Best(string name) => results[name].Max(r => r.RequestsPerSecond);
            foreach (var baseline in DurableBaselines.Where(results.ContainsKey).Where(_ => results.ContainsKey("bare Kestrel")))
            {
                Console.WriteLine($"serve: {baseline}/bare throughput {Best(baseline) / Best("bare Kestrel"):N2}x: what durability alone leaves of the 0.7x goal's room");
            }
            if (!Compared.All(results.ContainsKey))
            {
                return;
            }
            Console.WriteLine($"serve: gyre/bare throughput {Best("gyre") / Best("bare Kestrel"):N2}x (goal >= 0.7x); gyre/python {Best("gyre") / Best("gunicorn+flask+sklearn"):N1}x (goal >= 20x); gyre p99 {results["gyre"].Min(r => r.P99Ms):0.00} ms (goal < 5 ms)");
            var logged = await client.Endpoints.ListPredictionsAsync("bench", maxResults: 1);
            Console.WriteLine($"serve: prediction log answers ({logged.Items.Count} row read back); acknowledged requests are all logged in durable mode (see CliServingTests for the kill -9 check)");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The training data, and wrk's script that posts one row of it (its path).</summary>
    internal static async Task<(string Train, string Script)> WriteInputsAsync(string folder)
    {
        var train = Path.Combine(folder, "train.csv");
        WriteTrainingData(train, "yes", "no");
        var row = string.Join(", ", Features.Select((f, i) => $"\"{f}\": {((i + 1) * 0.37).ToString(CultureInfo.InvariantCulture)}"));
        var body = $"{{\"instances\": [{{{row}}}]}}";
        var script = Path.Combine(folder, "post.lua");
        await File.WriteAllTextAsync(script, $"wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\nwrk.body = [[{body}]]\n");
        return (train, script);
    }

    /// <summary>
    /// Trains two LightGBM versions on a server and serves them behind two endpoints with a 90/10
    /// canary: <c>bench</c> logging durably, <c>bench-fast</c> in fast mode.
    /// </summary>
    internal static async Task<GyreClient> CreateEndpointsAsync(BenchServer gyre, string train)
    {
        var client = new GyreClient(new GyreClientOptions { Server = gyre.Address, Timeout = TimeSpan.FromMinutes(10) });
        await using (var stream = File.OpenRead(train))
        {
            await client.Datasets.AddAsync("serve", stream, DatasetFormat.Csv);
        }
        await client.Trainings.TrainAsync(new TrainingRequest("serve", Task: "binary", Label: "label", Register: "serve"));
        await client.Trainings.TrainAsync(new TrainingRequest("serve", Task: "binary", Label: "label", Register: "serve", Seed: 1,
            Hyperparameters: new Dictionary<string, double> { ["learning_rate"] = 0.05 }));
        await client.Endpoints.CreateAsync("bench", "serve/1", logMode: "durable");
        await client.Endpoints.StartRolloutAsync("bench", new RolloutRequest("serve/2", "canary", [10, 100], BakeSeconds: 1e5));
        await client.Endpoints.CreateAsync("bench-fast", "serve/1", logMode: "fast");
        await client.Endpoints.StartRolloutAsync("bench-fast", new RolloutRequest("serve/2", "canary", [10, 100], BakeSeconds: 1e5));
        return client;
    }

    /// <summary>
    /// Context switches of this process's live threads so far (Linux; 0 elsewhere; a pool thread that
    /// retired during the round takes its count with it, so this is a floor): each hand-off between
    /// threads costs a sleep and a wake-up, which on two shared cores is time taken from requests.
    /// </summary>
    private static long ContextSwitches()
    {
        if (!OperatingSystem.IsLinux())
        {
            return 0;
        }
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                {
                    if (line.Contains("ctxt_switches:", StringComparison.Ordinal))
                    {
                        total += long.Parse(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim(), CultureInfo.InvariantCulture);
                    }
                }
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return total;
    }

    /// <summary>A loopback port free now (a server started on it right after gets it).</summary>
    internal static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    internal sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Errors);

    internal static async Task<WrkResult> WrkAsync(string url, string script, TimeSpan duration, int connections = Connections)
    {
        var wrk = Process.Start(new ProcessStartInfo("wrk", [connections == 1 ? "-t1" : "-t2", $"-c{connections}", $"-d{duration.TotalSeconds:0}s", "--latency", "-s", script, url])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var rps = double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture);
        var errors = NonSuccess().Match(output) is { Success: true } m ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
        return new WrkResult(rps, Percentile(output, "50%"), Percentile(output, "99%"), errors);
    }

    private static double Percentile(string output, string which)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(which)}\s+([0-9.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([0-9.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    /// <summary>The floor: Kestrel that reads the body and answers a constant; with a sink, once the sink has the body on disk.</summary>
    internal sealed class BareKestrel(WebApplication app, Uri address, IDurableSink? sink) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public static async Task<BareKestrel> StartAsync(IDurableSink? sink)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            app.MapPost("/predict", async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync(context.RequestAborted);
                if (sink is not null)
                {
                    await sink.KeepAsync(body);
                }
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"predictions\": [0.5]}", context.RequestAborted);
            });
            await app.StartAsync();
            return new BareKestrel(app, new Uri(Gyre.Server.Hosting.GyreServer.Addresses(app)[0] + "/"), sink);
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
            sink?.Dispose();
        }
    }

    /// <summary>What Python users run today: gunicorn (one sync worker per core) + Flask + scikit-learn.</summary>
    private sealed class PythonServer(Process process, Uri address) : IDisposable
    {
        public Uri Address { get; } = address;

        public static async Task<PythonServer> StartAsync(string folder, string train, IReadOnlyList<string> features)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "app.py"), $$"""
                import csv
                import numpy as np
                from flask import Flask, request, jsonify
                from sklearn.ensemble import HistGradientBoostingClassifier
                FEATURES = [{{string.Join(", ", Features.Select(f => $"'{f}'"))}}]
                with open('{{train}}') as f:
                    rows = list(csv.DictReader(f))
                x = np.array([[float(r[c]) for c in FEATURES] for r in rows])
                y = np.array([r['label'] == 'yes' for r in rows])
                model = HistGradientBoostingClassifier(max_iter=100).fit(x, y)
                app = Flask(__name__)
                @app.post('/predict')
                def predict():
                    rows = request.get_json()['instances']
                    x = np.array([[row[f] for f in FEATURES] for row in rows], dtype=float)
                    return jsonify(predictions=model.predict_proba(x)[:, 1].tolist())
                """);
            var port = FreePort();
            // No --preload: scikit-learn's OpenMP pool does not survive gunicorn's fork; one thread per worker, as one worker per core.
            var start = new ProcessStartInfo("gunicorn", ["-w", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture),
                "-b", $"127.0.0.1:{port}", "--log-level", "warning", "app:app"])
            {
                WorkingDirectory = folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment["OMP_NUM_THREADS"] = "1";
            var process = Process.Start(start)!;
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var tcp = new TcpClient();
                    await tcp.ConnectAsync("127.0.0.1", port);
                    return new PythonServer(process, new Uri($"http://127.0.0.1:{port}/"));
                }
                catch (SocketException) when (clock.Elapsed < TimeSpan.FromMinutes(2) && !process.HasExited)
                {
                    await Task.Delay(200);
                }
            }
        }

        public void Dispose()
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            process.Dispose();
        }
    }
}
