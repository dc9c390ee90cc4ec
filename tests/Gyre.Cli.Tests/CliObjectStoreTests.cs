using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>
/// Gyre with its files in an object store, as a user runs it: the demo's loop closes with every
/// model package and dataset file in the bucket (no artifact in the home), a store that cannot be reached stops the start
/// with one line naming it, and a URL Gyre cannot use is refused naming <c>--artifacts</c>.
/// </summary>
public sealed class CliObjectStoreTests
{
    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task Demo_ClosesItsLoop_WithItsArtifactsInTheObjectStore(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        var home = ServerProcess.NewHome();
        try
        {
            var result = await GyreProcess.RunAsync(null, "demo", "--fast", "--exit", "--urls", "http://127.0.0.1:0", "--home", home, "--artifacts", url);
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            Assert.Contains("v2 promoted", result.Stdout, StringComparison.Ordinal);
            Assert.Contains("false alarms: 0 in", result.Stdout, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(Path.Combine(home, "artifacts"), "*", SearchOption.AllDirectories));
            var keys = await BucketContents.KeysAsync(kind, new Uri(url).Host);
            // Both versions' packages (a manifest each) are in the store, under the URL's prefix.
            Assert.True(keys.Count(k => k.StartsWith("gyre/", StringComparison.Ordinal) && k.EndsWith("/gyre-model.json", StringComparison.Ordinal)) >= 2, string.Join(", ", keys));
            // And the datasets' files (the training data, its windows and splits), content-addressed.
            Assert.True(keys.Count(k => k.StartsWith("gyre/datasets/", StringComparison.Ordinal)) >= 3, string.Join(", ", keys));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [SkippableFact]
    public async Task AStoreThatCannotBeReached_StopsTheStart_WithOneLineNamingIt()
    {
        TestObjectStores.RequireS3();
        var nowhere = TestObjectStores.S3Environment("http://127.0.0.1:9").ToDictionary(e => e.Key, e => (string?)e.Value);
        var home = ServerProcess.NewHome();
        try
        {
            var result = await GyreProcess.RunAsync(nowhere, "server", "--home", home, "--urls", "http://127.0.0.1:0", "--artifacts", "s3://gyre-nowhere/runs?path_style=true");
            Assert.NotEqual(0, result.ExitCode);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains("--artifacts: the bucket s3://gyre-nowhere cannot be reached", line, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("ftp://host/x", "--artifacts: expected file:///PATH, s3://BUCKET/PREFIX or azblob://CONTAINER/PREFIX, got 'ftp://host/x'")]
    [InlineData("s3://bucket/p?pathstyle=true", "--artifacts: unknown setting 'pathstyle'")]
    [InlineData("s3://bucket/p?path_style=yes", "--artifacts: path_style must be true or false, got 'yes'")]
    [InlineData("s3://bucket/p --cache-size 10GB", "--cache-size: expected a size such as 512MiB, 10GiB or a number of bytes, got '10GB'")]
    public async Task AnArtifactsUrlGyreCannotUse_IsRefusedNamingTheOption(string url, string expected)
    {
        var result = await GyreProcess.RunAsync(null, ["server", "--home", ServerProcess.NewHome(), "--urls", "http://127.0.0.1:0", "--artifacts", .. url.Split(' ')]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
    }
}
