namespace Gyre.Core.Monitoring.Policies;

/// <summary>A policy that fired: when, the evidence that made it fire, and what each action did.</summary>
public sealed record PolicyFiring(long Id, string Policy, string Endpoint, long Time, IReadOnlyList<string> Evidence, IReadOnlyList<ActionOutcome> Actions);

/// <summary>
/// What an action did: <c>Ok</c>, and a detail (the pipeline run started, the webhook's status, the
/// error). A webhook is delivered after the firing is recorded: until then it is <c>Pending</c>.
/// </summary>
public sealed record ActionOutcome(string Kind, string? Target, bool Ok, string Detail, bool Pending = false);

/// <summary>
/// A stored policy: its file, what it last saw and did (the cool-down and new-window rules read
/// this), who saved it and with which scope (its actions run with that scope), and why it is
/// disabled, when it is. A policy stored before authors were recorded counts as written by a write token.
/// </summary>
public sealed record StoredPolicy(string Name, string Yaml, long CreationTime, long? LastFiring, long LastWindowSeen,
    string? Author = null, Auth.TokenScope AuthorScope = Auth.TokenScope.Write, string? Disabled = null);

/// <summary>Policies and their firings.</summary>
public interface IPolicyStore
{
    Task SavePolicyAsync(StoredPolicy policy, CancellationToken ct);

    Task<StoredPolicy?> GetPolicyAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<StoredPolicy>> ListPoliciesAsync(CancellationToken ct);

    Task<bool> DeletePolicyAsync(string name, CancellationToken ct);

    /// <summary>Records a firing and the policy's new state in one transaction.</summary>
    Task<PolicyFiring> AddFiringAsync(PolicyFiring firing, StoredPolicy state, CancellationToken ct);

    /// <summary>Replaces the outcome of action <paramref name="index"/> of a firing (a webhook, once delivered or given up).</summary>
    Task SetActionOutcomeAsync(long firingId, int index, ActionOutcome outcome, CancellationToken ct);

    /// <summary>A policy's firings, newest first.</summary>
    Task<IReadOnlyList<PolicyFiring>> ListFiringsAsync(string policy, int limit, CancellationToken ct);
}
