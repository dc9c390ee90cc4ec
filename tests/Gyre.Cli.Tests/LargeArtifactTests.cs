using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Gyre.Tests.Shared;

namespace Gyre.Cli.Tests;

/// <summary>
/// A 2 GiB artifact through a <c>gyre server</c> process into an object store and back: the upload
/// streams part by part (S3 multipart, Azure staged blocks) and the download streams from the store,
/// so the server's peak resident memory (Linux's VmHWM, reset once the server is warm and again
/// before the download) grows by less than 100 MB in each, and the bytes that come back hash to
/// what was sent. Measured by hand: the growth is the server GC's garbage, not buffering (with the
/// workstation GC the upload grows by 48 MB, the download by none).
/// </summary>
public sealed class LargeArtifactTests
{
    private const long Size = 2L << 30;
    private const long Limit = 100_000_000;

    [SkippableTheory]
    [InlineData("s3")]
    [InlineData("azblob")]
    public async Task A2GiBArtifact_StreamsThroughTheServer_InLessThan100MB(string kind)
    {
        var url = kind == "s3" ? TestObjectStores.NewS3Url() : TestObjectStores.NewAzureUrl();
        await using var server = await ServerProcess.StartAsync(null, "--artifacts", url, "--max-artifact-bytes", (3L << 30).ToString(CultureInfo.InvariantCulture));
        using var http = new HttpClient { BaseAddress = new Uri(server.Url), Timeout = TimeSpan.FromMinutes(15) };
        var created = await http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" });
        var run = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("run_id").GetString();
        var path = $"/api/v1/runs/{run}/artifacts/big/weights.bin";

        // Warm: the first multipart upload and download load the SDK and fill the part buffer pool.
        var warm = new GeneratedContent(40 << 20);
        Assert.Equal(HttpStatusCode.Created, (await http.PutAsync(path, warm.Content())).StatusCode);
        await HashAsync(http, path);
        var baseline = Memory(server.Pid, "VmRSS");
        await File.WriteAllTextAsync($"/proc/{server.Pid}/clear_refs", "5"); // resets VmHWM to the current RSS

        var upload = new GeneratedContent(Size);
        var put = await http.PutAsync(path, upload.Content());
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(Size, JsonDocument.Parse(await put.Content.ReadAsStringAsync()).RootElement.GetProperty("file_size").GetInt64());
        var afterUpload = Memory(server.Pid, "VmHWM");
        Assert.True(afterUpload - baseline < Limit, $"the server's peak RSS grew by {(afterUpload - baseline) / 1e6:0.0} MB during the upload (from {baseline / 1e6:0.0} MB)");

        var beforeDownload = Memory(server.Pid, "VmRSS");
        await File.WriteAllTextAsync($"/proc/{server.Pid}/clear_refs", "5");
        Assert.Equal(upload.Digest, await HashAsync(http, path));
        var afterDownload = Memory(server.Pid, "VmHWM");
        Assert.True(afterDownload - beforeDownload < Limit, $"the server's peak RSS grew by {(afterDownload - beforeDownload) / 1e6:0.0} MB during the download (from {beforeDownload / 1e6:0.0} MB)");
    }

    private static async Task<string> HashAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(body));
    }

    /// <summary>A line of <c>/proc/PID/status</c> in bytes.</summary>
    private static long Memory(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        return long.Parse(line[(field.Length + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>Bytes made as they are sent (never held whole), hashed on the way so the test knows what it sent.</summary>
    private sealed class GeneratedContent(long size)
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Digest { get; private set; } = "";

        public HttpContent Content()
        {
            var content = new StreamContent(new Generator(this, size), 1 << 20);
            content.Headers.ContentLength = size;
            return content;
        }

        private sealed class Generator(GeneratedContent owner, long size) : Stream
        {
            private readonly byte[] _block = RandomNumberGenerator.GetBytes(1 << 20);
            private long _sent;

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = (int)Math.Min(count, size - _sent);
                for (var i = 0; i < n; i++)
                {
                    // A random block varied by its position: no two megabytes alike.
                    var at = _sent + i;
                    buffer[offset + i] = (byte)(_block[at & ((1 << 20) - 1)] ^ (at >> 20));
                }
                owner._hash.AppendData(buffer, offset, n);
                _sent += n;
                if (_sent == size && n > 0)
                {
                    owner.Digest = Convert.ToHexStringLower(owner._hash.GetHashAndReset());
                }
                return n;
            }

            public override bool CanRead => true;

            public override bool CanSeek => false;

            public override bool CanWrite => false;

            public override long Length => size;

            public override long Position { get => _sent; set => throw new NotSupportedException(); }

            public override void Flush()
            {
            }

            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

            public override void SetLength(long value) => throw new NotSupportedException();

            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        }
    }
}
