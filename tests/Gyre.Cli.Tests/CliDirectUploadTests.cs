using System.Security.Cryptography;
using System.Text.Json;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>
/// <c>gyre runs artifacts upload</c> sends a large file straight to the server's object store over
/// pre-signed URLs (the server only begins, checks and records the upload), falls back to sending
/// through the server when that keeps artifacts on its disk, and with <c>--direct always</c> says why it cannot.
/// </summary>
public sealed class CliDirectUploadTests
{
    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task ALargeFile_GoesStraightToTheStore_AndComesBackWhole(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        await using var server = await ServerProcess.StartAsync(null, "--artifacts", url);
        var run = await RunAsync(server);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".bin");
        var back = file + ".back";
        try
        {
            var content = new byte[(70 << 20) + 3]; // past the 64 MiB threshold, in 9 parts
            new Random(5).NextBytes(content);
            await File.WriteAllBytesAsync(file, content);

            var upload = await GyreProcess.RunAsync(server.Environment, "runs", "artifacts", "upload", run, file, "--path", "model/weights.bin");
            Assert.True(upload.ExitCode == 0, upload.Stderr);
            Assert.Contains("straight to the object store", upload.Stdout, StringComparison.Ordinal);
            Assert.DoesNotContain(await BucketContents.KeysAsync(kind, new Uri(url).Host), k => k.Contains("/uploads/", StringComparison.Ordinal));

            var download = await GyreProcess.RunAsync(server.Environment, "runs", "artifacts", "download", run, "model/weights.bin", "-o", back);
            Assert.True(download.ExitCode == 0, download.Stderr);
            Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(back)));
        }
        finally
        {
            File.Delete(file);
            File.Delete(back);
        }
    }

    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task ADatasetFile_GoesStraightToTheStore_AndIsAddedFromThere_LeavingNoStagedCopy(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        await using var server = await ServerProcess.StartAsync(null, "--artifacts", url);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".csv");
        try
        {
            await File.WriteAllLinesAsync(file, ["id,amount,label", .. Enumerable.Range(0, 20_000).Select(i => $"{i},{i * 0.5},{(i % 3 == 0 ? "yes" : "no")}")]);
            var added = await GyreProcess.RunAsync(server.Environment, "data", "add", file, "--name", "sent-direct", "--direct", "always", "--json");
            Assert.True(added.ExitCode == 0, added.Stderr);
            var version = JsonDocument.Parse(added.Stdout).RootElement;
            Assert.Equal("sha256:" + Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file))), version.GetProperty("digest").GetString());
            Assert.Equal(20_000, version.GetProperty("rows").GetInt64());
            var keys = await BucketContents.KeysAsync(kind, new Uri(url).Host);
            Assert.DoesNotContain(keys, k => k.Contains("/uploads/", StringComparison.Ordinal));
            Assert.Single(keys, k => k.StartsWith("gyre/datasets/", StringComparison.Ordinal));

            // The same content again gives the same version.
            var again = await GyreProcess.RunAsync(server.Environment, "data", "add", file, "--name", "sent-direct", "--direct", "always", "--json");
            Assert.Equal(1, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("version").GetInt64());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task OnAServerWithArtifactsOnItsDisk_AutoSendsThroughIt_AndAlwaysSaysWhyNot()
    {
        await using var server = await ServerProcess.StartAsync();
        var run = await RunAsync(server);
        var file = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N") + ".bin");
        try
        {
            await File.WriteAllBytesAsync(file, new byte[(64 << 20) + 1]);
            var auto = await GyreProcess.RunAsync(server.Environment, "runs", "artifacts", "upload", run, file);
            Assert.True(auto.ExitCode == 0, auto.Stderr);
            Assert.Contains("through the server", auto.Stdout, StringComparison.Ordinal);

            var always = await GyreProcess.RunAsync(server.Environment, "runs", "artifacts", "upload", run, file, "--direct", "always");
            Assert.NotEqual(0, always.ExitCode);
            Assert.Contains("this server keeps its files on its own disk", always.Stderr, StringComparison.Ordinal);

            var bad = await GyreProcess.RunAsync(server.Environment, "runs", "artifacts", "upload", run, file, "--direct", "sometimes");
            Assert.NotEqual(0, bad.ExitCode);
            Assert.Contains("sometimes", bad.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<string> RunAsync(ServerProcess server)
    {
        var created = await GyreProcess.RunAsync(server.Environment, "runs", "create", "--json");
        Assert.True(created.ExitCode == 0, created.Stderr);
        return JsonDocument.Parse(created.Stdout).RootElement.GetProperty("run_id").GetString()!;
    }
}
