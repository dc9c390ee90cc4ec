using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace Gyre.Server.Tests.Api;

public sealed class ArtifactsApiTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(o => o with { MaxArtifactBytes = 64 * 1024 });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<string> NewRunAsync() =>
        (await TestServer.JsonAsync(await _server.Http.PostAsJsonAsync("/api/v1/runs", new { experiment_id = "0" }))).GetProperty("run_id").GetString()!;

    /// <summary>Every file under the home's artifact folder, so a test can prove nothing was written.</summary>
    private string[] StoredFiles() =>
        Directory.GetFiles(Path.Combine(_server.Home, "artifacts"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).OfType<string>().ToArray();

    [Fact]
    public async Task Upload_Download_List_RoundTrip()
    {
        var run = await NewRunAsync();
        var payload = Enumerable.Range(0, 50_000).Select(i => (byte)(i % 251)).ToArray();
        var put = await _server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/model/weights.bin", new ByteArrayContent(payload));
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(50_000, (await TestServer.JsonAsync(put)).GetProperty("file_size").GetInt64());
        Assert.Equal(payload, await _server.Http.GetByteArrayAsync($"/api/v1/runs/{run}/artifacts/model/weights.bin"));

        var root = await TestServer.JsonAsync(await _server.Http.GetAsync($"/api/v1/runs/{run}/artifacts"));
        Assert.Equal("model", root.GetProperty("files")[0].GetProperty("path").GetString());
        Assert.True(root.GetProperty("files")[0].GetProperty("is_dir").GetBoolean());
        var dir = await TestServer.JsonAsync(await _server.Http.GetAsync($"/api/v1/runs/{run}/artifacts?path=model"));
        Assert.Equal("model/weights.bin", dir.GetProperty("files")[0].GetProperty("path").GetString());
    }

    [Fact]
    public async Task Upload_OverTheLimit_Is413_AndWritesNothing()
    {
        var run = await NewRunAsync();
        var response = await _server.Http.PutAsync($"/api/v1/runs/{run}/artifacts/big.bin", new ByteArrayContent(new byte[70 * 1024]));
        await ProblemAssert.IsAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.DoesNotContain(StoredFiles(), f => f.StartsWith("big.bin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_OverTheLimit_WithoutContentLength_Is413_AndWritesNothing()
    {
        var run = await NewRunAsync();
        var content = new StreamContent(new MemoryStream(new byte[70 * 1024]));
        content.Headers.ContentLength = null;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/runs/{run}/artifacts/chunked.bin") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        await ProblemAssert.IsAsync(await _server.Http.SendAsync(request), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.DoesNotContain(StoredFiles(), f => f.StartsWith("chunked.bin", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../../escape.txt")]
    [InlineData("a/../../../escape.txt")]
    [InlineData("%2e%2e/%2e%2e/escape.txt")]
    [InlineData("%2E%2E%2F%2E%2E%2Fescape.txt")]
    [InlineData("..%2f..%2fescape.txt")]
    [InlineData("%252e%252e/escape.txt")]
    [InlineData("a%5c..%5c..%5cescape.txt")]
    [InlineData("a\\b.txt")]
    public async Task TraversalAttempt_Is400_AndWritesNothing(string rawPath)
    {
        var run = await NewRunAsync();
        // Sent over a raw socket: HttpClient would normalise the dot segments away before sending.
        var (status, body) = await RawPutAsync($"/api/v1/runs/{run}/artifacts/{rawPath}", "pwned");
        Assert.True(status == 400, $"expected 400 for {rawPath}, got {status}: {body}");
        Assert.Contains("invalid_argument", body, StringComparison.Ordinal);
        Assert.DoesNotContain(StoredFiles(), f => f.Contains("escape", StringComparison.Ordinal) || f.Contains(".txt", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(_server.Home, "escape.txt")));
    }

    [Fact]
    public async Task NulInPath_IsRefusedBeforeRouting_AndWritesNothing()
    {
        // Kestrel itself refuses an encoded NUL in the request target, before any middleware runs.
        var (status, _) = await RawPutAsync($"/api/v1/runs/{await NewRunAsync()}/artifacts/x%00.txt", "pwned");
        Assert.Equal(400, status);
        Assert.DoesNotContain(StoredFiles(), f => f.Contains(".txt", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Download_OfMissingArtifact_Is404() =>
        await ProblemAssert.IsAsync(await _server.Http.GetAsync($"/api/v1/runs/{await NewRunAsync()}/artifacts/none.bin"), HttpStatusCode.NotFound, "not_found", "none.bin");

    private async Task<(int Status, string Body)> RawPutAsync(string target, string body)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(_server.Address.Host, _server.Address.Port);
        await using var stream = tcp.GetStream();
        var request = $"PUT {target} HTTP/1.1\r\nHost: {_server.Address.Authority}\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        var response = await new StreamReader(stream, Encoding.UTF8).ReadToEndAsync();
        var status = int.Parse(response.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        return (status, response);
    }
}
