using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>
/// Several <c>gyre server</c> processes on one real PostgreSQL database and one artifact folder, as
/// replicas run: routing changes reach every gateway, the rollout controller runs on one replica at
/// a time and moves to another when its replica is killed or paused, and no transition is written
/// twice.
/// </summary>
public sealed class ReplicaTests
{
    private static readonly string Onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    /// <summary>A lease time short enough for a test, long enough for a loaded CI machine's heartbeats.</summary>
    private const string LeaseTtlSeconds = "4";

    [SkippableFact]
    public async Task RoutingChanges_MadeThroughOneReplica_AreServedByTheOthersWithinASecond()
    {
        await using var cluster = await Cluster.StartAsync(["api,gateway,worker", "gateway", "gateway"]);
        var (a, b, c) = (cluster.Replicas[0], cluster.Replicas[1], cluster.Replicas[2]);
        await cluster.ImportDiabetesAsync(versions: 2);

        // A new endpoint, and a new version in a rollout, are loaded and warmed up by each gateway first.
        var created = await GyreProcess.RunAsync(a.Environment, "endpoints", "create", "diabetes", "--model", "diabetes/1");
        Assert.True(created.ExitCode == 0, created.Stderr);
        var seen = Stopwatch.StartNew();
        await Task.WhenAll(WaitUntilAsync(() => AnswersAsync(b), TimeSpan.FromSeconds(5)), WaitUntilAsync(() => AnswersAsync(c), TimeSpan.FromSeconds(5)));
        var createdAfter = seen.Elapsed;
        await Cluster.StartCanaryAsync(a, bakeSeconds: 3600, "20,100");
        await Task.WhenAll(WaitUntilAsync(() => WeightsAsync(b, "1:80 2:20"), TimeSpan.FromSeconds(5)), WaitUntilAsync(() => WeightsAsync(c, "1:80 2:20"), TimeSpan.FromSeconds(5)));

        // A step of the rollout, then a deletion: each is served by both other gateways within a second.
        var promoted = await GyreProcess.RunAsync(a.Environment, "endpoints", "rollout", "promote", "diabetes");
        Assert.True(promoted.ExitCode == 0, promoted.Stderr);
        seen.Restart();
        await Task.WhenAll(WaitUntilAsync(() => WeightsAsync(b, "2:100"), TimeSpan.FromSeconds(1)), WaitUntilAsync(() => WeightsAsync(c, "2:100"), TimeSpan.FromSeconds(1)));
        var promotedAfter = seen.Elapsed;
        Assert.True(await ServesVersionAsync(b, 2) && await ServesVersionAsync(c, 2));
        Assert.Equal(0, (await GyreProcess.RunAsync(a.Environment, "endpoints", "delete", "diabetes")).ExitCode);
        seen.Restart();
        await Task.WhenAll(WaitUntilAsync(async () => await StatusAsync(b) == HttpStatusCode.NotFound, TimeSpan.FromSeconds(1)),
            WaitUntilAsync(async () => await StatusAsync(c) == HttpStatusCode.NotFound, TimeSpan.FromSeconds(1)));
        var deletedAfter = seen.Elapsed;

        // A gateway serves inference, health and metrics only; its roles are in /readyz.
        using var http = new HttpClient { BaseAddress = new Uri(b.Url) };
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/api/v1/endpoints")).StatusCode);
        var ready = await http.GetFromJsonAsync<JsonElement>("/readyz");
        Assert.Equal(("ready", "gateway"), (ready.GetProperty("status").GetString(), ready.GetProperty("roles").GetString()));
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("gyre_routing_stale_seconds 0", metrics, StringComparison.Ordinal);
        Console.WriteLine($"seen by both other gateways: an endpoint created after {createdAfter.TotalMilliseconds:F0} ms (loading its model), "
            + $"a promotion after {promotedAfter.TotalMilliseconds:F0} ms, a deletion after {deletedAfter.TotalMilliseconds:F0} ms");
    }

    /// <summary>The endpoint's live weights as a gateway's /metrics reports them from its routing table: <c>1:80 2:20</c>.</summary>
    private static async Task<bool> WeightsAsync(ServerProcess replica, string expected)
    {
        using var http = new HttpClient { BaseAddress = new Uri(replica.Url) };
        var weights = (await http.GetStringAsync("/metrics")).Split('\n')
            .Where(l => l.StartsWith("gyre_endpoint_variant_weight{", StringComparison.Ordinal) && l.Contains("endpoint=\"diabetes\"", StringComparison.Ordinal)
                && l.Contains("role=\"live\"", StringComparison.Ordinal))
            .Select(l => (Version: l[(l.IndexOf("variant=\"diabetes-v", StringComparison.Ordinal) + 19)..].Split('"')[0], Weight: l.Split(' ')[^1]))
            .OrderBy(v => v.Version, StringComparer.Ordinal)
            .Select(v => $"{v.Version}:{v.Weight}");
        return string.Join(' ', weights) == expected;
    }

    [SkippableFact]
    public async Task ACanary_IsFinishedOnce_ByAnotherReplica_WhenTheControllersReplicaIsKilled()
    {
        await using var cluster = await Cluster.StartAsync(["api,gateway,worker", "api,gateway,worker", "api,gateway,worker"]);
        await cluster.ImportDiabetesAsync(versions: 2);
        var first = cluster.Replicas[0];
        Assert.Equal(0, (await GyreProcess.RunAsync(first.Environment, "endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        await using var traffic = Traffic.Start(cluster.Replicas);

        await Cluster.StartCanaryAsync(first, bakeSeconds: 2);
        var leader = (await cluster.LeaderAsync("rollouts"))!;
        await WaitUntilAsync(async () => (await cluster.TransitionsAsync()).Count >= 2, TimeSpan.FromSeconds(30));
        var killed = Stopwatch.StartNew();
        await leader.KillAsync();

        var survivor = cluster.Replicas.First(r => r != leader);
        var next = await WaitForAsync(async () => await cluster.LeaderAsync("rollouts") is { } l && l != leader ? (true, l) : (false, leader), TimeSpan.FromSeconds(20));
        var failover = killed.Elapsed;
        var rollout = await WaitForAsync(async () => await Cluster.RolloutAsync(survivor) is { } r && r.GetProperty("state").GetString() != "running" ? (true, r) : (false, default),
            TimeSpan.FromSeconds(60));
        AssertEveryStepOnce(rollout);
        Assert.True(failover < TimeSpan.FromSeconds(15), $"the controller moved after {failover}");
        Assert.True(await cluster.LeaseEpochAsync("rollouts") >= 2);
        Assert.True(traffic.Answered > 0);
        Console.WriteLine($"controller replica killed; {next.Url} took the rollouts' lease after {failover.TotalSeconds:F1} s");
    }

    [SkippableFact]
    public async Task APausedController_WritesNothingAfterItsLeaseIsTaken()
    {
        await using var cluster = await Cluster.StartAsync(["api,gateway,worker", "api,gateway,worker"]);
        await cluster.ImportDiabetesAsync(versions: 2);
        var first = cluster.Replicas[0];
        Assert.Equal(0, (await GyreProcess.RunAsync(first.Environment, "endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        await using var traffic = Traffic.Start(cluster.Replicas);

        await Cluster.StartCanaryAsync(first, bakeSeconds: 3);
        var leader = (await cluster.LeaderAsync("rollouts"))!;
        var other = cluster.Replicas.First(r => r != leader);
        await leader.SignalAsync("STOP");
        try
        {
            await WaitUntilAsync(async () => await cluster.LeaderAsync("rollouts") == other, TimeSpan.FromSeconds(20));
        }
        finally
        {
            await leader.SignalAsync("CONT");
        }
        var rollout = await WaitForAsync(async () => await Cluster.RolloutAsync(other) is { } r && r.GetProperty("state").GetString() != "running" ? (true, r) : (false, default),
            TimeSpan.FromSeconds(60));
        AssertEveryStepOnce(rollout);
        // The woken replica finds the lease taken: it neither acts nor takes it back while the other renews.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(other, await cluster.LeaderAsync("rollouts"));
        Assert.Equal(rollout.GetProperty("transitions").GetArrayLength(), (await cluster.TransitionsAsync()).Count);
    }

    [SkippableFact]
    public async Task DurablePredictionsOnEveryReplica_ReachTheSharedLogOnce_ThroughAKillDashNine_AndFeedbackJoinsAnywhere()
    {
        const int PerReplica = 2_000;
        await using var cluster = await Cluster.StartAsync(["api,gateway,worker", "api,gateway", "api,gateway"]);
        await cluster.ImportDiabetesAsync(versions: 1);
        Assert.Equal(0, (await GyreProcess.RunAsync(cluster.Replicas[0].Environment, "endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
        await Task.WhenAll(cluster.Replicas.Select(r => WaitUntilAsync(() => AnswersAsync(r), TimeSpan.FromSeconds(10))));

        // Each replica acknowledges from its own journal; the third is killed mid-load and started again on its home.
        var acknowledged = cluster.Replicas.Select(_ => new System.Collections.Concurrent.ConcurrentBag<string>()).ToList();
        var loads = cluster.Replicas.Select((r, i) => LoadAsync(r.Url, acknowledged[i], PerReplica)).ToList();
        await WaitUntilAsync(() => Task.FromResult(acknowledged[2].Count >= PerReplica / 2), TimeSpan.FromSeconds(60));
        await cluster.Replicas[2].KillAsync();
        await loads[2];
        var restarted = await cluster.RestartAsync(2);
        await WaitUntilAsync(() => AnswersAsync(restarted), TimeSpan.FromSeconds(30));
        loads.Add(LoadAsync(restarted.Url, acknowledged[2], Math.Max(1, PerReplica - acknowledged[2].Count)));
        await Task.WhenAll(loads);

        // Read through another replica: every acknowledged id is in the shared log, none twice.
        using var http = new HttpClient { BaseAddress = new Uri(cluster.Replicas[1].Url) };
        var all = acknowledged.SelectMany(a => a).ToList();
        Assert.True(all.Count >= 3 * PerReplica, $"{all.Count} acknowledged");
        var logged = await WaitForAsync(async () =>
        {
            var ids = await LoggedIdsAsync(http);
            return (all.All(new HashSet<string>(ids).Contains), ids);
        }, TimeSpan.FromSeconds(10));
        Assert.Equal(logged.Count, logged.Distinct().Count());
        Assert.True(logged.Count >= all.Count);

        // Feedback sent to any replica joins predictions made on another, the killed one's included.
        var onThird = acknowledged[2].Take(50).ToList();
        using var first = new HttpClient { BaseAddress = new Uri(cluster.Replicas[0].Url) };
        using var feedback = await first.PostAsJsonAsync("/endpoints/diabetes/feedback", onThird.Select(id => new { prediction_id = id, actual = 150.0 }));
        var joined = await feedback.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(feedback.IsSuccessStatusCode, joined.ToString());
        Assert.Equal((50, 0), (joined.GetProperty("accepted").GetInt32(), joined.GetProperty("unknown").GetArrayLength()));
    }

    [SkippableFact]
    public async Task AWorkerKilledMidStep_ItsRunGoesOnOnAnotherWorker_AndFinishesOnce()
    {
        await using var cluster = await Cluster.StartAsync(["api,gateway", "worker", "worker"]);
        var api = cluster.Replicas[0];
        var work = Directory.CreateTempSubdirectory("gyre-cli-replica-pipeline-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "pipeline.yaml"), """
                name: nightly
                steps:
                  - {id: prepare, uses: command, with: {run: 'echo prepared >> prepared.txt'}}
                  - {id: train, uses: command, needs: [prepare], with: {run: 'echo training; while [ ! -f release ]; do sleep 0.1; done'}}
                  - {id: register, uses: command, needs: [train], with: {run: 'echo registered >> registered.txt'}}
                """);
            var started = await GyreProcess.RunAsync(api.Environment, "pipelines", "run", Path.Combine(work, "pipeline.yaml"), "--detach", "--json");
            Assert.True(started.ExitCode == 0, started.Stderr);
            var id = JsonDocument.Parse(started.Stdout).RootElement.GetProperty("id").GetInt64();
            using var http = new HttpClient { BaseAddress = new Uri(api.Url) };
            async Task<JsonElement> RunAsync() => await http.GetFromJsonAsync<JsonElement>($"/api/v1/pipeline-runs/{id}");

            // A worker claimed the run from the queue (the api replica has no worker role); it dies mid-step.
            await WaitUntilAsync(async () => (await RunAsync()).GetProperty("steps")[1].GetProperty("state").GetString() == "running", TimeSpan.FromSeconds(30));
            var first = (await cluster.LeaderAsync($"pipeline-run:{id}"))!;
            Assert.NotEqual(api, first);
            await first.KillAsync();

            var second = await WaitForAsync(async () => await cluster.LeaderAsync($"pipeline-run:{id}") is { } w && w != first
                && (await RunAsync()).GetProperty("attempt").GetInt32() == 2 ? (true, w) : (false, first), TimeSpan.FromSeconds(30));
            await File.WriteAllTextAsync(Path.Combine(work, "release"), "");
            var run = await WaitForAsync(async () => await RunAsync() is var r && r.GetProperty("state").GetString() != "running" ? (true, r) : (false, r), TimeSpan.FromSeconds(30));

            Assert.True(run.GetProperty("state").GetString() == "succeeded", run.ToString());
            Assert.Equal(2, run.GetProperty("attempt").GetInt32());
            Assert.Equal([1, 2, 1], run.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("attempts").GetInt32()));
            Assert.Equal(["prepared"], await File.ReadAllLinesAsync(Path.Combine(work, "prepared.txt")));
            Assert.Equal(["registered"], await File.ReadAllLinesAsync(Path.Combine(work, "registered.txt")));
            // The second attempt's log; the first one's partial log stayed on the dead worker's disk (it is stored when a step ends).
            var log = await http.GetStringAsync($"/api/v1/pipeline-runs/{id}/steps/train/logs");
            Assert.Contains("training", log.Split('\n'));
            Console.WriteLine($"run {id}: attempt 1 on {first.Url} (killed), attempt 2 on {second.Url}");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Sends single-row predictions to one replica from four callers until <paramref name="count"/> more were acknowledged (stopping quietly when the replica dies).</summary>
    private static async Task LoadAsync(string url, System.Collections.Concurrent.ConcurrentBag<string> acknowledged, int count)
    {
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        var target = acknowledged.Count + count;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(async caller =>
        {
            try
            {
                for (var i = caller; acknowledged.Count < target; i += 4)
                {
                    using var response = await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances = new[] { new { features = DiabetesRow(i % 20) } } });
                    if (response.IsSuccessStatusCode)
                    {
                        acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("prediction_ids")[0].GetString()!);
                    }
                }
            }
            catch (HttpRequestException)
            {
                // The replica was killed: what it acknowledged so far is what counts.
            }
        }));
    }

    private static async Task<List<string>> LoggedIdsAsync(HttpClient http)
    {
        var ids = new List<string>();
        string? token = null;
        do
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/v1/endpoints/diabetes/predictions?max_results=1000{(token is null ? "" : "&page_token=" + Uri.EscapeDataString(token))}");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("prediction").GetProperty("prediction_id").GetString()!));
            token = page.TryGetProperty("next_page_token", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (token is not null);
        return ids;
    }

    [Fact]
    public async Task AnUnknownRole_IsRefusedWithOneLine()
    {
        var refused = await GyreProcess.RunAsync(null, "server", "--urls", "http://127.0.0.1:0", "--home", ServerProcess.NewHome(), "--roles", "api,gatewy");
        Assert.Equal(1, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("--roles: unknown role 'gatewy'; expected a comma-separated list of api, gateway, worker", line, StringComparison.Ordinal);
        var ttl = await GyreProcess.RunAsync(null, "worker", "--urls", "http://127.0.0.1:0", "--home", ServerProcess.NewHome(), "--lease-ttl", "1");
        Assert.Equal(1, ttl.ExitCode);
        Assert.Contains("--lease-ttl: expected 2 to 300 seconds, got 1", ttl.Stderr, StringComparison.Ordinal);
    }

    /// <summary>Every canary step's weight is recorded once, in order, and the rollout ends once.</summary>
    private static void AssertEveryStepOnce(JsonElement rollout)
    {
        Assert.True(rollout.GetProperty("state").GetString() == "succeeded", rollout.ToString());
        var transitions = rollout.GetProperty("transitions").EnumerateArray()
            .Select(t => (State: t.GetProperty("state").GetString()!, Weight: t.GetProperty("candidate_weight").GetInt32(), Reason: t.GetProperty("reason").GetString()!))
            .ToList();
        // An inconclusive step that bakes longer records that too; what counts here are the moves.
        var steps = transitions.Where(t => !t.Reason.Contains(" s more (extension ", StringComparison.Ordinal)).ToList();
        Assert.Equal([("running", 20), ("running", 60), ("running", 100), ("succeeded", 100)], steps.Select(t => (t.State, t.Weight)));
        Assert.Single(transitions, t => t.State == "succeeded");
    }

    private static async Task<bool> AnswersAsync(ServerProcess replica) => await StatusAsync(replica) == HttpStatusCode.OK;

    private static async Task<HttpStatusCode> StatusAsync(ServerProcess replica)
    {
        using var http = new HttpClient { BaseAddress = new Uri(replica.Url) };
        using var response = await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances = new[] { new { features = DiabetesRow(0) } } });
        return response.StatusCode;
    }

    private static async Task<bool> ServesVersionAsync(ServerProcess replica, int version)
    {
        using var http = new HttpClient { BaseAddress = new Uri(replica.Url) };
        using var response = await http.PostAsJsonAsync("/endpoints/diabetes/predict", new { instances = new[] { new { features = DiabetesRow(0) } } });
        return response.StatusCode == HttpStatusCode.OK
            && (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("variant").GetString() == $"diabetes-v{version}";
    }

    private static double[] DiabetesRow(int index) =>
        [.. File.ReadLines(Path.Combine(Onnx, "diabetes_mlp.csv")).Skip(1 + index).First().Split(',').Take(10).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan within) =>
        await WaitForAsync(async () => (await condition(), true), within);

    /// <summary>Probes until the probe finds something (or <paramref name="within"/> passes, which fails the test), and returns it.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<(bool Found, T Value)>> probe, TimeSpan within)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is (true, var found))
            {
                return found;
            }
            Assert.True(watch.Elapsed < within, $"not so within {within}");
            await Task.Delay(10);
        }
    }

    /// <summary>Replicas on one fresh database schema and one shared artifact folder, each with a home of its own.</summary>
    private sealed class Cluster : IAsyncDisposable
    {
        private readonly TestPostgres _database;
        private readonly string _artifacts;

        private readonly List<ServerProcess> _replicas;
        private readonly IReadOnlyList<string> _roles;

        private Cluster(TestPostgres database, string artifacts, List<ServerProcess> replicas, IReadOnlyList<string> roles)
        {
            _database = database;
            _artifacts = artifacts;
            _replicas = replicas;
            _roles = roles;
        }

        public IReadOnlyList<ServerProcess> Replicas => _replicas;

        /// <summary>The settings of a replica of <paramref name="role"/>s; a lone "worker" is a <c>gyre worker</c>, which takes no --roles.</summary>
        private string[] Arguments(string role) =>
            ["--database", _database.Url, "--artifacts", new Uri(_artifacts).AbsoluteUri, .. role == "worker" ? Array.Empty<string>() : ["--roles", role],
                "--lease-ttl", LeaseTtlSeconds, "--drain", "0"];

        private static Task<ServerProcess> StartReplicaAsync(string role, string? home, string[] arguments) =>
            ServerProcess.StartCommandAsync(role == "worker" ? "worker" : "server", home, arguments);

        public static async Task<Cluster> StartAsync(IReadOnlyList<string> roles)
        {
            var database = await TestPostgres.CreateAsync();
            var artifacts = ServerProcess.NewHome();
            var cluster = new Cluster(database, artifacts, [], roles);
            try
            {
                var migrated = await GyreProcess.RunAsync(null, "migrate", "--database", database.Url);
                Assert.True(migrated.ExitCode == 0, migrated.Stderr);
                foreach (var role in roles)
                {
                    cluster._replicas.Add(await StartReplicaAsync(role, null, cluster.Arguments(role)));
                }
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }

        /// <summary>Starts replica <paramref name="index"/> again on its home (after a kill), with the same settings.</summary>
        public async Task<ServerProcess> RestartAsync(int index)
        {
            var replica = await StartReplicaAsync(_roles[index], _replicas[index].Home, Arguments(_roles[index]));
            _replicas[index] = replica;
            return replica;
        }

        public async Task ImportDiabetesAsync(int versions)
        {
            for (var i = 0; i < versions; i++)
            {
                var imported = await GyreProcess.RunAsync(Replicas[0].Environment, "models", "import", Path.Combine(Onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression");
                Assert.True(imported.ExitCode == 0, imported.Stderr);
            }
        }

        /// <summary>
        /// A canary that passes each step on whatever evidence it has, through the API: what is tested
        /// here is who moves it, not the judgement (a cold replica's first answers are slow).
        /// </summary>
        public static async Task StartCanaryAsync(ServerProcess through, int bakeSeconds, string steps = "20,60,100")
        {
            using var http = new HttpClient { BaseAddress = new Uri(through.Url) };
            using var response = await http.PostAsJsonAsync("/api/v1/endpoints/diabetes/rollouts", new
            {
                model = "diabetes/2",
                strategy = "canary",
                steps = steps.Split(',').Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToArray(),
                bake_seconds = bakeSeconds,
                min_requests = 1,
                max_latency_ratio = 1000.0,
                max_error_rate_increase = 1.0,
                max_extensions = 0,
                on_inconclusive = "pass",
            });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        /// <summary>The replica whose process holds the named lease now (the holder names its process id).</summary>
        public async Task<ServerProcess?> LeaderAsync(string lease)
        {
            var holder = (string?)await _database.ScalarAsync(
                $"SELECT holder FROM {_database.Schema}.leases WHERE name = '{lease}' AND expires_at > floor(extract(epoch FROM clock_timestamp()) * 1000)");
            var pid = holder?.Split(':')[1];
            return Replicas.FirstOrDefault(r => r.Pid.ToString(CultureInfo.InvariantCulture) == pid);
        }

        public async Task<long> LeaseEpochAsync(string lease) =>
            (long)(await _database.ScalarAsync($"SELECT epoch FROM {_database.Schema}.leases WHERE name = '{lease}'"))!;

        /// <summary>The latest rollout's transitions, read from the database itself.</summary>
        public async Task<IReadOnlyList<JsonElement>> TransitionsAsync()
        {
            var body = (string?)await _database.ScalarAsync($"SELECT body FROM {_database.Schema}.rollouts ORDER BY rollout_id DESC LIMIT 1");
            return body is null ? [] : [.. JsonDocument.Parse(body).RootElement.GetProperty("transitions").EnumerateArray()];
        }

        public static async Task<JsonElement?> RolloutAsync(ServerProcess through)
        {
            using var http = new HttpClient { BaseAddress = new Uri(through.Url) };
            var page = await http.GetFromJsonAsync<JsonElement>("/api/v1/endpoints/diabetes/rollouts");
            return page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } latest ? latest : null;
        }

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(Replicas.Select(r => r.DisposeAsync().AsTask()));
            await _database.DisposeAsync();
            try
            {
                Directory.Delete(_artifacts, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Never written to.
            }
        }
    }

    /// <summary>Predictions sent round-robin to every replica that still answers, until disposed.</summary>
    private sealed class Traffic : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private long _answered;

        private Traffic(IReadOnlyList<ServerProcess> replicas) => _loop = Task.Run(() => LoopAsync(replicas));

        public long Answered => Interlocked.Read(ref _answered);

        public static Traffic Start(IReadOnlyList<ServerProcess> replicas) => new(replicas);

        private async Task LoopAsync(IReadOnlyList<ServerProcess> replicas)
        {
            var clients = replicas.Select(r => new HttpClient { BaseAddress = new Uri(r.Url), Timeout = TimeSpan.FromSeconds(2) }).ToList();
            try
            {
                for (var i = 0; !_stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        using var response = await clients[i % clients.Count].PostAsJsonAsync("/endpoints/diabetes/predict",
                            new { instances = new[] { new { features = DiabetesRow(i % 20) } } }, _stop.Token);
                        if (response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref _answered);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        // A killed or paused replica: the next one is asked.
                    }
                    await Task.Delay(5);
                }
            }
            finally
            {
                clients.ForEach(c => c.Dispose());
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
