namespace Gyre.Cli.Tests;

/// <summary><c>gyre features</c> as a user runs it: a group created and fed, a file that does not match refused in one line, a point-in-time training set written to a file.</summary>
public sealed class CliFeaturesTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task AGroupIsFed_AndATrainingSetTakesEachValueAsOfItsRowsTime()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-cli-test-features-").FullName;
        var group = "usage-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            string Write(string file, string text)
            {
                var path = Path.Combine(folder, file);
                File.WriteAllText(path, text);
                return path;
            }
            Assert.Equal(0, (await Gyre("data", "add", Write("usage.csv", "customer_id,ts,calls\nc1,2026-01-01 10:00:00,3\nc1,2026-01-02 10:00:00,5\nc2,2026-01-01 12:00:00,7\n"),
                "--name", group + "-base")).ExitCode);
            var created = await Gyre("features", "create", group, "--from", group + "-base@1", "--entity", "customer_id", "--event-time", "ts", "--ttl-seconds", "86400");
            Assert.True(created.ExitCode == 0, created.Stderr);
            Assert.Contains($"{group}: keyed by customer_id, timed by ts, values live 86400 s", created.Stdout, StringComparison.Ordinal);

            // A late row (older than one ingested before), then a file whose calls are words: refused in one line.
            var ingested = await Gyre("features", "ingest", group, Write("late.csv", "customer_id,ts,calls\nc1,2026-01-01 18:00:00,4\n"));
            Assert.True(ingested.ExitCode == 0, ingested.Stderr);
            Assert.Contains($"1 rows in {group}.features@1; '{group}' is at version 2", ingested.Stdout, StringComparison.Ordinal);
            var bad = await Gyre("features", "ingest", group, Write("bad.csv", "customer_id,ts,calls\nc1,2026-01-03 10:00:00,many\n"));
            Assert.Equal(1, bad.ExitCode);
            Assert.StartsWith("gyre: error: invalid_argument: calls: expected integer, found ", bad.Stderr.Trim(), StringComparison.Ordinal);
            Assert.EndsWith("(line 2: 'many')", bad.Stderr.Trim(), StringComparison.Ordinal);
            Assert.Single(bad.Stderr.Trim().Split('\n'));

            // Before any value; the late row; a value 23 hours old; one 25 hours old (past the TTL); an unknown customer.
            var labels = Write("labels.csv", "customer_id,ts,churned\nc1,2026-01-01 09:00:00,0\nc1,2026-01-01 20:00:00,1\nc1,2026-01-03 09:00:00,0\nc2,2026-01-02 13:00:00,1\nc3,2026-01-02 00:00:00,0\n");
            var output = Path.Combine(folder, "train.csv");
            var set = await Gyre("features", "training-set", "--entities", labels, "--features", $"{group}:*", "--dataset", group + "-train", "--output", output);
            Assert.True(set.ExitCode == 0, set.Stderr);
            Assert.Contains($"Training set {group}-train@1: 5 rows, 4 columns, from {group}-train-entities@1 and {group}@2; written to {output}", set.Stdout, StringComparison.Ordinal);
            Assert.Equal(["customer_id,ts,churned,calls", "c1,2026-01-01 09:00:00,0,", "c1,2026-01-01 20:00:00,1,4", "c1,2026-01-03 09:00:00,0,5",
                "c2,2026-01-02 13:00:00,1,", "c3,2026-01-02 00:00:00,0,"], File.ReadAllLines(output));
            var unknown = await Gyre("features", "training-set", "--entities", labels, "--features", "nope:*");
            Assert.Equal((1, "gyre: error: invalid_argument: features: there is no feature group 'nope' (in 'nope:*')"), (unknown.ExitCode, unknown.Stderr.Trim()));

            // The online store: each customer's latest values; January's are past the TTL today, so a read finds them expired.
            var materialized = await Gyre("features", "materialize", group);
            Assert.True(materialized.ExitCode == 0, materialized.Stderr);
            Assert.Contains($"Materialized '{group}': 2 parts, 4 rows read, 2 entities changed; 2 entities online, fresh to 2026-01-02", materialized.Stdout, StringComparison.Ordinal);
            Assert.Contains($"'{group}' is up to date: 2 entities online", (await Gyre("features", "materialize", group)).Stdout, StringComparison.Ordinal);
            var online = await Gyre("features", "online", group, "--entity", "customer_id=c1", "--entity", "customer_id=c9", "--json");
            Assert.True(online.ExitCode == 0, online.Stderr);
            using (var read = System.Text.Json.JsonDocument.Parse(online.Stdout))
            {
                var rows = read.RootElement.GetProperty("rows");
                Assert.Equal(("c1", false, true), (rows[0].GetProperty("entity").GetString(), rows[0].GetProperty("found").GetBoolean(), rows[0].GetProperty("expired").GetBoolean()));
                Assert.Equal(new DateTimeOffset(2026, 1, 2, 10, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), rows[0].GetProperty("event_time").GetInt64());
                Assert.Equal(("c9", false), (rows[1].GetProperty("entity").GetString(), rows[1].GetProperty("found").GetBoolean()));
            }
            var badEntity = await Gyre("features", "online", group, "--entity", "customer=c1");
            Assert.Equal((1, "gyre: error: invalid_argument: entities[0].customer_id: expected the entity key of the feature group '" + group + "' (a string or a number)"), (badEntity.ExitCode, badEntity.Stderr.Trim()));
            var badLookup = await Gyre("endpoints", "features", "nowhere", "--lookup", "nope:*");
            Assert.Equal((1, "gyre: error: invalid_argument: features.lookup: there is no feature group 'nope' (in 'nope:*')"), (badLookup.ExitCode, badLookup.Stderr.Trim()));

            var shown = await Gyre("features", "show", group);
            Assert.Contains($"{group}.features@1", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains("online: 2 entities online, fresh to 2026-01-02", shown.Stdout, StringComparison.Ordinal);
            Assert.Contains(group, (await Gyre("features", "list")).Stdout, StringComparison.Ordinal);
            Assert.Equal(0, (await Gyre("features", "delete", group)).ExitCode);
            Assert.Equal(1, (await Gyre("features", "show", group)).ExitCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task VectorFeatures_AreSearchedBySimilarity()
    {
        var folder = Directory.CreateTempSubdirectory("gyre-cli-test-vectors-").FullName;
        var group = "docs-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var path = Path.Combine(folder, "docs.csv");
            File.WriteAllText(path, "doc_id,ts,lang,embedding\nd1,2026-01-01 00:00:00,en,\"[1, 0, 0]\"\nd2,2026-01-01 00:00:00,fr,\"[0, 1, 0]\"\nd3,2026-01-01 00:00:00,fr,\"[0.9, 0.1, 0]\"\n");
            Assert.Equal(0, (await Gyre("data", "add", path, "--name", group + "-base")).ExitCode);
            var created = await Gyre("features", "create", group, "--from", group + "-base@1", "--entity", "doc_id", "--event-time", "ts", "--vector", "embedding=3");
            Assert.True(created.ExitCode == 0, created.Stderr);
            Assert.Contains("vector(3)", created.Stdout, StringComparison.Ordinal);
            Assert.Equal(0, (await Gyre("features", "materialize", group)).ExitCode);

            var found = await Gyre("features", "search", group, "--vector", "[1, 0.05, 0]", "--k", "2", "--json");
            Assert.True(found.ExitCode == 0, found.Stderr);
            using (var answer = System.Text.Json.JsonDocument.Parse(found.Stdout))
            {
                Assert.Equal(["d1", "d3"], answer.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("entity").GetString()));
            }
            var french = await Gyre("features", "search", group, "--vector", "[1, 0.05, 0]", "--k", "1", "--filter", "lang=fr", "--json");
            Assert.True(french.ExitCode == 0, french.Stderr);
            Assert.Contains("\"entity\":\"d3\"", french.Stdout.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
            var bad = await Gyre("features", "search", group, "--vector", "[1, 0]");
            Assert.Equal((1, "gyre: error: invalid_argument: vector: expected 3 numbers (embedding's dimensions), got 2"), (bad.ExitCode, bad.Stderr.Trim()));
            var notJson = await Gyre("features", "search", group, "--vector", "one,two");
            Assert.Equal((1, "gyre: error: invalid_argument: --vector: expected a JSON array of numbers, [0.1, 0.2, ...]"), (notJson.ExitCode, notJson.Stderr.Trim()));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
