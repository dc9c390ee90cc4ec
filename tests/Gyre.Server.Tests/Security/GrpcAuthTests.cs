using Gyre.Core.Auth;
using Gyre.Server.Inference.Grpc;
using Gyre.Storage;
using Grpc.Core;
using Grpc.Net.Client;

namespace Gyre.Server.Tests.Security;

/// <summary>The gRPC service asks for the same tokens as the REST routes: read for metadata and inference, none for the health checks.</summary>
public sealed class GrpcAuthTests : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "gyre-grpc-auth-" + Guid.NewGuid().ToString("N"));
    private string _read = null!;
    private TestServer _server = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        using (var storage = await GyreStorage.OpenAsync(new GyreHome(_home)))
        {
            _read = (await storage.Tokens.CreateTokenAsync("reader", TokenScope.Read, null, CancellationToken.None)).Secret;
        }
        _server = await TestServer.StartAsync(o => o with { RequireAuth = true, GrpcUrls = "http://127.0.0.1:0" }, home: _home);
        _channel = GrpcChannel.ForAddress(_server.GrpcAddress!);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _server.DisposeAsync();
    }

    private static Metadata Bearer(string secret) => new() { { "authorization", $"Bearer {secret}" } };

    [Fact]
    public async Task WithoutAToken_OnlyTheHealthChecksAnswer()
    {
        var client = new GRPCInferenceService.GRPCInferenceServiceClient(_channel);
        Assert.True((await client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await client.ServerReadyAsync(new ServerReadyRequest())).Ready);

        var none = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "churn" }));
        Assert.Equal((StatusCode.Unauthenticated, "Authorization: expected 'Bearer TOKEN' (create one with `gyre tokens create`)"), (none.StatusCode, none.Status.Detail));
        var unknown = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelInferAsync(new ModelInferRequest { ModelName = "churn" }, Bearer("not-a-token-at-all-not-a-token-at-all")));
        Assert.Equal((StatusCode.Unauthenticated, "Authorization: the token is unknown, revoked or expired"), (unknown.StatusCode, unknown.Status.Detail));

        // A read token passes: the call reaches the service, which has no such model.
        var missing = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "churn" }, Bearer(_read)));
        Assert.Equal((StatusCode.NotFound, "endpoint 'churn' does not exist"), (missing.StatusCode, missing.Status.Detail));
    }
}
