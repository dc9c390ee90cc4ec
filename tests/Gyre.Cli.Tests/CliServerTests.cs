using System.Text.Json;

namespace Gyre.Cli.Tests;

public sealed class CliServerTests
{
    [Fact]
    public async Task TwoServers_StartingOnOneHomeAtOnce_BothServeTheSameData()
    {
        var home = ServerProcess.NewHome();
        var servers = await Task.WhenAll(ServerProcess.StartAsync(home), ServerProcess.StartAsync(home));
        try
        {
            var created = await GyreProcess.RunAsync(servers[0].Environment, "experiments", "create", "shared", "--json");
            Assert.Equal(0, created.ExitCode);
            var seen = await GyreProcess.RunAsync(servers[1].Environment, "experiments", "show", "shared", "--by-name", "--json");
            Assert.Equal(0, seen.ExitCode);
            Assert.Equal(JsonDocument.Parse(created.Stdout).RootElement.GetProperty("experiment_id").GetString(),
                JsonDocument.Parse(seen.Stdout).RootElement.GetProperty("experiment_id").GetString());
        }
        finally
        {
            await servers[1].DisposeAsync();
            await servers[0].DisposeAsync();
        }
    }

    [Fact]
    public async Task NonLoopbackWithoutTokens_RefusesToStart_WithOneLine()
    {
        var home = ServerProcess.NewHome();
        var result = await GyreProcess.RunAsync(null, "server", "--urls", $"http://0.0.0.0:{ServerProcess.FreePort()}", "--home", home);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("refusing to listen on", result.Stderr, StringComparison.Ordinal);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Directory.Delete(home, recursive: true);
    }

    /// <summary>
    /// <c>--grpc-urls</c> opens the Open Inference Protocol's gRPC service on an HTTP/2 port of its
    /// own: a gRPC call framed by hand (a 5-byte prefix and an empty ServerLive message) gets a
    /// live answer and status 0 in the trailers; a URL that gRPC cannot serve is one line and exit 1.
    /// </summary>
    [Fact]
    public async Task GrpcUrls_ServeTheOpenInferenceProtocolOverHttp2_AndABadOneIsOneLine()
    {
        var port = ServerProcess.FreePort();
        await using (var server = await ServerProcess.StartAsync(null, "--grpc-urls", $"http://127.0.0.1:{port}"))
        {
            using var http = new HttpClient();
            using var call = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/inference.GRPCInferenceService/ServerLive")
            {
                Content = new ByteArrayContent([0, 0, 0, 0, 0]),
                Version = System.Net.HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact, // HTTP/2 with prior knowledge: there is no TLS to negotiate it
            };
            call.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/grpc");
            call.Headers.TE.ParseAdd("trailers");
            using var response = await http.SendAsync(call);
            var body = await response.Content.ReadAsByteArrayAsync();
            // One message of two bytes: field 1 (live), varint, true.
            Assert.Equal(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, body);
            Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
        }
        var home = ServerProcess.NewHome();
        var result = await GyreProcess.RunAsync(null, "server", "--grpc-urls", "https://127.0.0.1:8001", "--home", home);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("gyre: error: invalid_argument: --grpc-urls: 'https://127.0.0.1:8001' is not a URL such as http://127.0.0.1:8001 (gRPC is served without TLS; end TLS at a proxy)",
            result.Stderr.Trim());
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public async Task ATrustedProxyThatIsNotAnAddress_RefusesToStart_WithOneLine_BeforeTouchingTheHome()
    {
        var home = ServerProcess.NewHome();
        var result = await GyreProcess.RunAsync(null, "server", "--trusted-proxy", "10.0.0.0/8", "--trusted-proxy", "proxy.internal", "--home", home);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("gyre: error: invalid_argument: --trusted-proxy: 'proxy.internal' is not an IP address (10.0.0.5) or a network with its host bits zero (10.0.0.0/8)", result.Stderr.Trim());
        Assert.False(Directory.Exists(home));
    }

    [Fact]
    public async Task TokensCreatedOffline_AreRequiredByAnAuthServer()
    {
        var home = ServerProcess.NewHome();
        var created = await GyreProcess.RunAsync(null, "tokens", "create", "--name", "ci", "--scope", "write", "--home", home, "--json");
        Assert.Equal(0, created.ExitCode);
        var secret = JsonDocument.Parse(created.Stdout).RootElement.GetProperty("secret").GetString()!;
        Assert.StartsWith("gyre_", secret, StringComparison.Ordinal);
        var listed = await GyreProcess.RunAsync(null, "tokens", "list", "--home", home);
        Assert.Contains("ci", listed.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed.Stdout, StringComparison.Ordinal);

        await using var server = await ServerProcess.StartAsync(home, "--auth");
        var anonymous = await GyreProcess.RunAsync(server.Environment, "experiments", "list");
        Assert.Equal(1, anonymous.ExitCode);
        Assert.Contains("unauthenticated", anonymous.Stderr, StringComparison.Ordinal);
        var withToken = await GyreProcess.RunAsync(new Dictionary<string, string?> { ["GYRE_SERVER"] = server.Url, ["GYRE_TOKEN"] = secret }, "experiments", "create", "secured");
        Assert.Equal(0, withToken.ExitCode);
    }

    [Fact]
    public async Task BadScope_IsRefused_AndWritesNoToken()
    {
        var home = ServerProcess.NewHome();
        var result = await GyreProcess.RunAsync(null, "tokens", "create", "--name", "x", "--scope", "root", "--home", home);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--scope: expected read, write or admin", result.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(home));
    }
}
