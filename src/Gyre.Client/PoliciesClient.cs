using Gyre.Core.Monitoring.Policies;
using Gyre.Core.Tracking;
using static Gyre.Client.Paths;

namespace Gyre.Client;

/// <summary>Policies: apply files whose conditions on an endpoint run actions (retrain, notify, roll back), and read their firings.</summary>
public sealed class PoliciesClient
{
    private readonly ApiTransport _api;

    internal PoliciesClient(ApiTransport api) => _api = api;

    public Task<PolicyInfo> ApplyAsync(string yaml, CancellationToken ct = default) =>
        _api.PostAsync<PolicyInfo>("/api/v1/policies", new ApplyPolicyRequest(yaml), ct);

    public Task<Page<PolicyInfo>> ListAsync(CancellationToken ct = default) => _api.GetAsync<Page<PolicyInfo>>("/api/v1/policies", ct);

    public Task<PolicyInfo> GetAsync(string name, CancellationToken ct = default) => _api.GetAsync<PolicyInfo>($"/api/v1/policies/{E(name)}", ct);

    public Task DeleteAsync(string name, CancellationToken ct = default) => _api.SendAsync(HttpMethod.Delete, $"/api/v1/policies/{E(name)}", null, ct);

    /// <summary>The policy's firings, newest first, each with its evidence and what its actions did.</summary>
    public Task<Page<PolicyFiring>> FiringsAsync(string name, int maxResults = 100, CancellationToken ct = default) =>
        _api.GetAsync<Page<PolicyFiring>>($"/api/v1/policies/{E(name)}/firings?max_results={maxResults}", ct);
}
