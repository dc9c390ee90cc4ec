namespace Gyre.Core.Monitoring.Policies;

/// <summary>A policy that fired: when, the evidence that made it fire, and what each action did.</summary>
public sealed record PolicyFiring(long Id, string Policy, string Endpoint, long Time, IReadOnlyList<string> Evidence, IReadOnlyList<ActionOutcome> Actions);

/// <summary>What an action did: <c>Ok</c>, and a detail (the pipeline run started, the webhook's status, the error).</summary>
public sealed record ActionOutcome(string Kind, string? Target, bool Ok, string Detail);

/// <summary>A stored policy: its file, and what it last saw and did (the cool-down and new-window rules read this).</summary>
public sealed record StoredPolicy(string Name, string Yaml, long CreationTime, long? LastFiring, long LastWindowSeen);

/// <summary>Policies and their firings.</summary>
public interface IPolicyStore
{
    Task SavePolicyAsync(StoredPolicy policy, CancellationToken ct);

    Task<StoredPolicy?> GetPolicyAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<StoredPolicy>> ListPoliciesAsync(CancellationToken ct);

    Task<bool> DeletePolicyAsync(string name, CancellationToken ct);

    /// <summary>Records a firing and the policy's new state in one transaction.</summary>
    Task<PolicyFiring> AddFiringAsync(PolicyFiring firing, StoredPolicy state, CancellationToken ct);

    /// <summary>A policy's firings, newest first.</summary>
    Task<IReadOnlyList<PolicyFiring>> ListFiringsAsync(string policy, int limit, CancellationToken ct);
}
