using Gyre.Core.Api;
using Gyre.Core.Auth;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Token administration (admin scope).</summary>
public sealed class TokensClient
{
    private readonly ApiTransport _api;

    internal TokensClient(ApiTransport api) => _api = api;

    public Task<CreatedToken> CreateAsync(string name, TokenScope scope, long? expiryTime = null, CancellationToken ct = default) =>
        _api.PostAsync<CreatedToken>("/api/v1/tokens", new CreateTokenRequest(name, scope, expiryTime), ct);

    public Task<IReadOnlyList<ApiToken>> ListAsync(CancellationToken ct = default) =>
        _api.GetAsync<IReadOnlyList<ApiToken>>("/api/v1/tokens", ct);

    public Task RevokeAsync(string id, CancellationToken ct = default) =>
        _api.SendAsync(HttpMethod.Delete, $"/api/v1/tokens/{E(id)}", null, ct);
}
