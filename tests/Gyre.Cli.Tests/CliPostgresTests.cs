using System.Text.Json;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>Gyre on a shared PostgreSQL database, as an operator runs it: migrate, tokens, two servers on one database.</summary>
public sealed class CliPostgresTests
{
    [SkippableFact]
    public async Task TwoServersOnOneMigratedDatabase_ShareEverything()
    {
        await using var database = await TestPostgres.CreateAsync();

        // An empty database: the server refuses with one line that says what to run.
        var refused = await GyreProcess.RunAsync(null, "server", "--urls", "http://127.0.0.1:0", "--home", ServerProcess.NewHome(), "--database", database.Url);
        Assert.NotEqual(0, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Trim().Split('\n'));
        Assert.Contains("has no Gyre schema yet: run `gyre migrate --database URL` first", line, StringComparison.Ordinal);

        var migrated = await GyreProcess.RunAsync(new Dictionary<string, string?> { ["GYRE_DATABASE"] = database.Url }, "migrate", "--json");
        Assert.Equal(0, migrated.ExitCode);
        var report = JsonDocument.Parse(migrated.Stdout).RootElement;
        Assert.Equal((0, Gyre.Storage.GyreStorage.NewestSchemaVersion), (report.GetProperty("from_version").GetInt32(), report.GetProperty("to_version").GetInt32()));
        var again = await GyreProcess.RunAsync(null, "migrate", "--database", database.Url);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains($"is at schema version {Gyre.Storage.GyreStorage.NewestSchemaVersion}; nothing to apply", again.Stdout, StringComparison.Ordinal);

        var token = await GyreProcess.RunAsync(null, "tokens", "create", "--name", "ci", "--scope", "admin", "--database", database.Url, "--json");
        Assert.Equal(0, token.ExitCode);
        var secret = JsonDocument.Parse(token.Stdout).RootElement.GetProperty("secret").GetString()!;

        await using var first = await ServerProcess.StartAsync(null, "--database", database.Url, "--auth", "--database-pool", "4");
        await using var second = await ServerProcess.StartAsync(null, "--database", database.Url, "--auth");
        var onFirst = new Dictionary<string, string?> { ["GYRE_SERVER"] = first.Url, ["GYRE_TOKEN"] = secret };
        var onSecond = new Dictionary<string, string?> { ["GYRE_SERVER"] = second.Url, ["GYRE_TOKEN"] = secret };
        Assert.Equal(0, (await GyreProcess.RunAsync(onFirst, "experiments", "create", "shared-churn")).ExitCode);
        var listed = await GyreProcess.RunAsync(onSecond, "experiments", "list", "--json");
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains("shared-churn", listed.Stdout, StringComparison.Ordinal);
        // The same name from the other server is the same 409, decided by the one database.
        var duplicate = await GyreProcess.RunAsync(onSecond, "experiments", "create", "shared-churn");
        Assert.NotEqual(0, duplicate.ExitCode);
        Assert.Contains("already exists", duplicate.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnUnreachableDatabase_OrABadUrl_IsOneLineAndANonZeroExit()
    {
        TestPostgres.RequireServer();
        var unreachable = await GyreProcess.RunAsync(null, "server", "--urls", "http://127.0.0.1:0", "--home", ServerProcess.NewHome(),
            "--database", "postgresql://gyre:s3cret@127.0.0.1:9/gyre");
        Assert.NotEqual(0, unreachable.ExitCode);
        var line = Assert.Single(unreachable.Stderr.Trim().Split('\n'));
        Assert.Contains("the metadata database 127.0.0.1:9/gyre is unreachable", line, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", line, StringComparison.Ordinal);

        var pool = await GyreProcess.RunAsync(null, "migrate", "--database", "postgresql://gyre@127.0.0.1/gyre", "--database-pool", "0");
        Assert.NotEqual(0, pool.ExitCode);
        Assert.Contains("--database-pool: expected 1 to 1000 connections, got 0", pool.Stderr, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task TheDemo_ClosesItsLoop_WithItsMetadataInPostgres()
    {
        await using var database = await TestPostgres.CreateAsync();
        var home = ServerProcess.NewHome();
        try
        {
            var result = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--urls", "http://127.0.0.1:0", "--home", home, "--database", database.Url);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.Contains("v2 promoted", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("false alarms: 0 in", result.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("fail:", result.Stdout + result.Stderr, StringComparison.Ordinal);
            // The loop's records are in the database, not in a file of the home.
            Assert.False(File.Exists(Path.Combine(home, "gyre.db")));
            Assert.Equal(2L, await database.ScalarAsync($"SELECT COUNT(*) FROM {database.Schema}.model_versions"));
            Assert.True((long)(await database.ScalarAsync($"SELECT COUNT(*) FROM {database.Schema}.drift_windows"))! >= 4);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [SkippableFact]
    public async Task HomeMove_CarriesTheMetadata_LeavesTheHomeAsItWas_AndItsFilesAreStillFound()
    {
        await using var database = await TestPostgres.CreateAsync();
        var onnx = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");
        var row = File.ReadLines(Path.Combine(onnx, "diabetes_mlp.csv")).Skip(1).First().Split(',')
            .Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var body = JsonSerializer.Serialize(new { instances = new[] { new { features = row[..10] } } });
        var home = ServerProcess.NewHome();
        string predictionId;
        // Stopped, not disposed: disposing would remove the home.
        var embedded = await ServerProcess.StartAsync(home);
        {
            Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(embedded.Environment, args);
            Assert.Equal(0, (await Gyre("models", "import", Path.Combine(onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression")).ExitCode);
            Assert.Equal(0, (await Gyre("endpoints", "create", "diabetes", "--model", "diabetes/1")).ExitCode);
            Assert.Equal(0, (await Gyre("experiments", "create", "moved-experiment")).ExitCode);
            // A logged prediction with its feedback, which live in the log's own file.
            var logged = await Gyre("endpoints", "predict", "diabetes", "--data", body, "--quiet");
            Assert.True(logged.ExitCode == 0, logged.Stderr);
            predictionId = logged.Stdout.Trim();
            var feedbackFile = Path.Combine(home, "feedback.json");
            await File.WriteAllTextAsync(feedbackFile, JsonSerializer.Serialize(new[] { new { prediction_id = predictionId, actual = 151.0 } }));
            Assert.Equal(0, (await Gyre("endpoints", "feedback", "diabetes", feedbackFile)).ExitCode);
            await embedded.SignalAsync("TERM");
            Assert.Equal(0, await embedded.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        }
        var before = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(home, "gyre.db"))));

        var moved = await GyreProcess.RunAsync(null, "home", "move", "--home", home, "--to", database.Url, "--json");
        Assert.True(moved.ExitCode == 0, moved.Stderr);
        var report = JsonDocument.Parse(moved.Stdout).RootElement;
        Assert.False(report.GetProperty("already_moved").GetBoolean());
        var tables = report.GetProperty("tables").EnumerateArray().ToList();
        Assert.All(tables, t => Assert.True(t.GetProperty("matches").GetBoolean()));
        Assert.Equal(2, tables.Single(t => t.GetProperty("table").GetString() == "experiments").GetProperty("database_rows").GetInt64());
        Assert.Equal(1, tables.Single(t => t.GetProperty("table").GetString() == "model_versions").GetProperty("database_rows").GetInt64());
        Assert.Equal(1, tables.Single(t => t.GetProperty("table").GetString() == "feedback").GetProperty("database_rows").GetInt64());
        Assert.True(tables.Single(t => t.GetProperty("table").GetString() == "prediction_blocks").GetProperty("database_rows").GetInt64() >= 1);
        Assert.Equal(before, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(home, "gyre.db")))));

        // Run again (as after an interruption that came too late to matter): it finds the same content.
        var again = await GyreProcess.RunAsync(null, "home", "move", "--home", home, "--to", database.Url);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Already moved", again.Stdout, StringComparison.Ordinal);

        // A server on the same home and the database serves the moved endpoint from the home's files, and new ids do not collide.
        await using (var shared = await ServerProcess.StartAsync(home, "--database", database.Url))
        {
            Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(shared.Environment, args);
            var predicted = await Gyre("endpoints", "predict", "diabetes", "--data", body, "--json");
            Assert.True(predicted.ExitCode == 0, predicted.Stderr);
            Assert.Equal(row[^1], JsonDocument.Parse(predicted.Stdout).RootElement.GetProperty("predictions")[0].GetDouble(), 1e-4);
            // The prediction logged before the move is found there, with its feedback.
            using var http = new HttpClient { BaseAddress = new Uri(shared.Url) };
            var page = JsonDocument.Parse(await http.GetStringAsync("/api/v1/endpoints/diabetes/predictions")).RootElement;
            var items = page.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(2, items.Count); // and the one just predicted, after the move
            Assert.Equal(predictionId, items[0].GetProperty("prediction").GetProperty("prediction_id").GetString());
            Assert.Equal("151", items[0].GetProperty("actual").GetString());
            Assert.Equal(0, (await Gyre("experiments", "create", "after-the-move")).ExitCode);
            Assert.Equal(0, (await Gyre("models", "import", Path.Combine(onnx, "diabetes_mlp.onnx"), "--name", "diabetes", "--task", "regression")).ExitCode);
            var versions = await Gyre("models", "show", "diabetes", "--json");
            Assert.Equal(2, JsonDocument.Parse(versions.Stdout).RootElement.GetProperty("latest_version").GetInt64());
        }

        // A database holding something else is refused, and nothing is written to it.
        var otherHome = ServerProcess.NewHome();
        var other = await ServerProcess.StartAsync(otherHome);
        {
            await other.SignalAsync("TERM");
            await other.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        var refused = await GyreProcess.RunAsync(null, "home", "move", "--home", otherHome, "--to", database.Url);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("already holds Gyre data that differs from this home's", refused.Stderr, StringComparison.Ordinal);
        Directory.Delete(otherHome, recursive: true);
    }
}
