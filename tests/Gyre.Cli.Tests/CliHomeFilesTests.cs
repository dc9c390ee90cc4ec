using System.Text.Json;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>
/// A home's files as a user tends them: <c>gyre home move --artifacts-to</c> copies a working home's
/// files into an object store, checks every copy and switches the home to the store, keeping its own
/// copies; <c>gyre gc</c> then removes from the store only what nothing names and is older than the
/// grace period, and says what it removed.
/// </summary>
public sealed class CliHomeFilesTests
{
    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task AHomeMovedToAStore_UsesIt_AndGcRemovesOnlyWhatNothingNames(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        var bucket = new Uri(url).Host;
        var home = ServerProcess.NewHome();
        try
        {
            var demo = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--urls", "http://127.0.0.1:0", "--home", home);
            Assert.True(demo.ExitCode == 0, demo.Stdout + demo.Stderr);
            var homeFiles = Directory.GetFiles(Path.Combine(home, "artifacts"), "*", SearchOption.AllDirectories).Length;

            var move = await GyreProcess.RunAsync(null, "home", "move", "--home", home, "--artifacts-to", url, "--json");
            Assert.True(move.ExitCode == 0, move.Stdout + move.Stderr);
            var kinds = JsonDocument.Parse(move.Stdout).RootElement.GetProperty("files").GetProperty("kinds").EnumerateArray()
                .ToDictionary(k => k.GetProperty("kind").GetString()!, k => k.GetProperty("files").GetInt32());
            Assert.Equal(homeFiles, kinds["run artifacts"] + kinds.GetValueOrDefault("step outputs"));
            Assert.True(kinds["dataset contents"] >= 3, move.Stdout);
            var keys = await BucketContents.KeysAsync(kind, bucket);
            Assert.Contains(keys, k => k.StartsWith("gyre/", StringComparison.Ordinal) && k.EndsWith("/gyre-model.json", StringComparison.Ordinal));
            Assert.Equal(kinds["dataset contents"], keys.Count(k => k.StartsWith("gyre/datasets/", StringComparison.Ordinal)));
            Assert.Equal(homeFiles, Directory.GetFiles(Path.Combine(home, "artifacts"), "*", SearchOption.AllDirectories).Length);

            // Moved once, the home is not moved again: the store may hold newer files than its folders by now.
            var again = await GyreProcess.RunAsync(null, "home", "move", "--home", home, "--artifacts-to", url);
            Assert.NotEqual(0, again.ExitCode);
            Assert.Contains("the home's files were already moved to", again.Stderr, StringComparison.Ordinal);

            // Nothing in the store is unnamed: gc (on the store the home now records) finds nothing to remove.
            var clean = await GcAsync(home, "--grace-hours", "0");
            Assert.Equal((0, 0), (clean.GetProperty("removed").GetArrayLength(), clean.GetProperty("kept_young").GetInt32()));

            // A run's artifacts whose run is gone, and content no dataset version holds: young, they are kept; past the grace, removed.
            await BucketContents.PutAsync(kind, bucket, "gyre/999/0123abcd/artifacts/model.bin", "orphan");
            var orphanContent = "gyre/datasets/ab/ab" + new string('c', 62) + ".csv";
            await BucketContents.PutAsync(kind, bucket, orphanContent, "x,y\n");
            var young = await GcAsync(home);
            Assert.Equal((0, 2), (young.GetProperty("removed").GetArrayLength(), young.GetProperty("kept_young").GetInt32()));
            var dry = await GcAsync(home, "--grace-hours", "0", "--dry-run");
            Assert.Equal(2, dry.GetProperty("removed").GetArrayLength());
            Assert.Contains("gyre/999/0123abcd/artifacts/model.bin", await BucketContents.KeysAsync(kind, bucket));

            var swept = await GcAsync(home, "--grace-hours", "0");
            Assert.Equal(["dataset content", "run artifact"], swept.GetProperty("removed").EnumerateArray().Select(r => r.GetProperty("kind").GetString()).Order());
            Assert.Equal(keys.Order(), (await BucketContents.KeysAsync(kind, bucket)).Order());
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Fact]
    public async Task Gc_OnAHomesOwnFolders_RemovesAnOrphanRunFolderAndStepOutput_AndRefusesABadGrace()
    {
        var home = ServerProcess.NewHome();
        try
        {
            var orphan = Path.Combine(home, "artifacts", "42", "feedface", "artifacts", "m.bin");
            Directory.CreateDirectory(Path.GetDirectoryName(orphan)!);
            await File.WriteAllTextAsync(orphan, "left by a purge that failed");
            var output = Path.Combine(home, "artifacts", "pipelines", "outputs", "ab", "ab" + new string('d', 62));
            Directory.CreateDirectory(Path.GetDirectoryName(output)!);
            await File.WriteAllTextAsync(output, "a command's output no lineage names");
            var unknown = Path.Combine(home, "artifacts", "notes.txt");
            await File.WriteAllTextAsync(unknown, "not Gyre's");

            var removed = await GcAsync(home, "--grace-hours", "0");
            Assert.Equal(["run artifact: 42/feedface/artifacts/m.bin", $"step output: pipelines/outputs/ab/ab{new string('d', 62)}"],
                removed.GetProperty("removed").EnumerateArray().Select(r => $"{r.GetProperty("kind").GetString()}: {r.GetProperty("location").GetString()}").Order());
            Assert.False(File.Exists(orphan));
            Assert.False(File.Exists(output));
            Assert.True(File.Exists(unknown));

            var bad = await GyreProcess.RunAsync(null, "gc", "--home", home, "--grace-hours", "-1");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("--grace-hours: expected a number of hours from 0 to 87600 (ten years), got -1", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static async Task<JsonElement> GcAsync(string home, params string[] more)
    {
        var result = await GyreProcess.RunAsync(null, ["gc", "--home", home, "--json", .. more]);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        return JsonDocument.Parse(result.Stdout).RootElement;
    }
}
