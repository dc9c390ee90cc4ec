using Gyre.Core.Api;

namespace Gyre.Client;

/// <summary>Health and readiness of the server.</summary>
public sealed class SystemClient
{
    private readonly ApiTransport _api;

    internal SystemClient(ApiTransport api) => _api = api;

    public Task<Health> HealthAsync(CancellationToken ct = default) => _api.GetAsync<Health>("/healthz", ct);

    public Task<Health> ReadyAsync(CancellationToken ct = default) => _api.GetAsync<Health>("/readyz", ct);
}
