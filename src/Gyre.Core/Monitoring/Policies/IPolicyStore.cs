namespace Gyre.Core.Monitoring.Policies;

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
