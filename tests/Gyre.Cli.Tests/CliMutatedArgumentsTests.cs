using System.Text.Json;

namespace Gyre.Cli.Tests;

/// <summary>
/// No command line makes <c>gyre</c> crash: valid commands with one argument changed at random
/// (seeded) — replaced by an empty, extreme or malformed value, dropped, repeated, or joined by an
/// unknown option — each succeed or exit 1, 2 or 3 with one line, <c>gyre: error: ...</c>, and
/// never a stack trace.
/// </summary>
public sealed class CliMutatedArgumentsTests(ServerProcessFixture fixture) : IClassFixture<ServerProcessFixture>
{
    private const int MutantsPerCommand = 10;

    private static readonly string[] Values =
    [
        "", "-", "--", "-1", "0", "1e309", "NaN", "9223372036854775808", "x=y=z", "=", "auc=", "@", "name@", "a/b/c",
        "'", "\"", "✓ü", "../../etc/passwd", "--json", "--nope", new string('a', 5000),
    ];

    private Task<GyreProcess.Result> Gyre(params string[] args) => GyreProcess.RunAsync(fixture.Server.Environment, args);

    [Fact]
    public async Task CommandsChangedAtRandom_SucceedOrExitWithOneLine_NeverAStackTrace()
    {
        var created = await Gyre("runs", "create", "--json");
        var run = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("run_id").GetString()!;
        var data = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        await File.WriteAllTextAsync(data, "id,amount,kind\n1,9.5,a\n2,3.25,b\n3,,a\n4,1,b\n5,2,a\n");
        var dataset = "mutant-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Assert.Equal(0, (await Gyre("data", "add", data, "--name", dataset)).ExitCode);
            var commands = new[]
            {
                new[] { "experiments", "create", "mutant-" + Guid.NewGuid().ToString("N")[..8], "--tag", "team=growth" },
                ["experiments", "list", "--max-results", "5", "--json"],
                ["runs", "create", "--experiment", "0", "--name", "baseline"],
                ["runs", "log", run, "-m", "auc=0.86@1", "-p", "trainer=lightgbm", "-t", "stage=dev"],
                ["runs", "search", "-e", "0", "--filter", "metrics.auc > 0.5", "--order-by", "metrics.auc DESC", "--max-results", "5"],
                ["data", "add", data, "--name", dataset],
                ["data", "split", $"{dataset}@1", "--method", "random", "--test", "0.4", "--seed", "3"],
                ["data", "profile", $"{dataset}@1", "--json"],
            };
            var random = new Random(20261129);
            var mutants = commands.SelectMany(command => Enumerable.Range(0, MutantsPerCommand).Select(_ => Mutate(command, random))).ToList();
            var failures = new List<string>();
            // Two at a time: each is a process of its own.
            await Parallel.ForEachAsync(mutants, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (args, _) =>
            {
                var result = await Gyre(args);
                if (Wrong(result) is { } wrong)
                {
                    lock (failures)
                    {
                        failures.Add($"gyre {string.Join(' ', args.Select(a => a.Length > 60 ? a[..60] + "…" : a))} -> {result.ExitCode}: {wrong}");
                    }
                }
            });
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
        }
        finally
        {
            File.Delete(data);
        }
    }

    /// <summary>What is wrong with the program's answer, if anything.</summary>
    private static string? Wrong(GyreProcess.Result result)
    {
        if (result.Stderr.Contains("Unhandled exception", StringComparison.Ordinal) || result.Stderr.Contains("\n   at ", StringComparison.Ordinal))
        {
            return "a stack trace: " + result.Stderr;
        }
        if (result.ExitCode == 0)
        {
            return null;
        }
        var lines = result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return result.ExitCode is 1 or 2 or 3 && lines.Length == 1 && lines[0].StartsWith("gyre: error: ", StringComparison.Ordinal)
            ? null
            : "not one line 'gyre: error: ...': " + result.Stderr;
    }

    /// <summary>The command with one argument changed; never its first two words (<c>runs log</c>), which say what it is.</summary>
    private static string[] Mutate(string[] command, Random random)
    {
        var args = command.ToList();
        var at = random.Next(2, args.Count);
        switch (random.Next(4))
        {
            case 0:
                args[at] = Values[random.Next(Values.Length)];
                break;
            case 1:
                args.RemoveAt(at);
                break;
            case 2:
                args.Insert(at, args[at]);
                break;
            default:
                args.Insert(at, Values[random.Next(Values.Length)]);
                break;
        }
        return [.. args];
    }
}
