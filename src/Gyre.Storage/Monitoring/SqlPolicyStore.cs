using System.Globalization;
using Gyre.Core.Monitoring.Policies;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Monitoring;

/// <summary>Policies and their firings, as JSON records.</summary>
internal sealed class SqlPolicyStore(SqlDatabase db) : IPolicyStore
{
    public Task SavePolicyAsync(StoredPolicy policy, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("INSERT INTO policies (name, body) VALUES (@n, @b) ON CONFLICT (name) DO UPDATE SET body = excluded.body", t, ct, ("@n", policy.Name), ("@b", JsonRecords.Write(policy))), ct);

    public Task<StoredPolicy?> GetPolicyAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body FROM policies WHERE name = @n", null, r => JsonRecords.Read<StoredPolicy>(r.GetString(0)), ct, ("@n", name))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<StoredPolicy>> ListPoliciesAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<StoredPolicy>>(async c =>
        await c.QueryAsync("SELECT body FROM policies ORDER BY name", null, r => JsonRecords.Read<StoredPolicy>(r.GetString(0)), ct), ct);

    public Task<bool> DeletePolicyAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("DELETE FROM policies WHERE name = @n", t, ct, ("@n", name)) > 0, ct);

    public Task<PolicyFiring> AddFiringAsync(PolicyFiring firing, StoredPolicy state, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var id = Convert.ToInt64(await c.ScalarAsync("INSERT INTO policy_firings (policy, body) VALUES (@p, '{}') RETURNING firing_id", t, ct,
            ("@p", firing.Policy)), CultureInfo.InvariantCulture);
        var stored = firing with { Id = id };
        await c.ExecuteAsync("UPDATE policy_firings SET body = @b WHERE firing_id = @id", t, ct, ("@b", JsonRecords.Write(stored)), ("@id", id));
        await c.ExecuteAsync("UPDATE policies SET body = @b WHERE name = @n", t, ct, ("@b", JsonRecords.Write(state)), ("@n", state.Name));
        return stored;
    }, ct);

    public Task SetActionOutcomeAsync(long firingId, int index, ActionOutcome outcome, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var body = (await c.QueryAsync("SELECT body FROM policy_firings WHERE firing_id = @id", t, r => r.GetString(0), ct, ("@id", firingId))).FirstOrDefault();
        if (body is not null && JsonRecords.Read<PolicyFiring>(body) is { } firing && index >= 0 && index < firing.Actions.Count)
        {
            var actions = firing.Actions.ToList();
            actions[index] = outcome;
            await c.ExecuteAsync("UPDATE policy_firings SET body = @b WHERE firing_id = @id", t, ct, ("@b", JsonRecords.Write(firing with { Actions = actions })), ("@id", firingId));
        }
    }, ct);

    public Task<IReadOnlyList<PolicyFiring>> ListFiringsAsync(string policy, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<PolicyFiring>>(async c =>
        await c.QueryAsync("SELECT body FROM policy_firings WHERE policy = @p ORDER BY firing_id DESC LIMIT @l", null,
            r => JsonRecords.Read<PolicyFiring>(r.GetString(0)), ct, ("@p", policy), ("@l", limit)), ct);
}
