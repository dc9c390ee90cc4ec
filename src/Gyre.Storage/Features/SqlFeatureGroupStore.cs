using System.Data.Common;
using Gyre.Core.Errors;
using Gyre.Core.Features;
using Gyre.Core.Features.Online;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Features;

/// <summary>Feature groups as JSON records.</summary>
internal sealed class SqlFeatureGroupStore(SqlDatabase db) : IFeatureGroupStore
{
    public Task AddAsync(FeatureGroup group, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        try
        {
            await c.ExecuteAsync("INSERT INTO feature_groups (name, body) VALUES (@n, @b)", t, ct, ("@n", group.Name), ("@b", JsonRecords.Write(group)));
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw GyreException.Conflict($"name: the feature group '{group.Name}' exists");
        }
        return 0;
    }, ct);

    public Task<FeatureGroup?> GetAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body FROM feature_groups WHERE name = @n", null, r => JsonRecords.Read<FeatureGroup>(r.GetString(0)), ct, ("@n", name))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<FeatureGroup>> ListAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<FeatureGroup>>(async c =>
        await c.QueryAsync("SELECT body FROM feature_groups ORDER BY name", null, r => JsonRecords.Read<FeatureGroup>(r.GetString(0)), ct), ct);

    public Task<FeatureGroup> AddPartAsync(string name, FeatureGroupPart part, CancellationToken ct) =>
        ChangeAsync(name, group => group with { Parts = [.. group.Parts, part] }, ct);

    public Task<FeatureGroup> SetMaterializedAsync(string name, Materialization materialized, CancellationToken ct) =>
        ChangeAsync(name, group => group.Materialized is { } stored && stored.Parts > materialized.Parts ? null : group with { Materialized = materialized }, ct);

    /// <summary>
    /// Changes a group's record by compare and swap: a change that lost a race reads the group again,
    /// so concurrent ingests each land. <paramref name="change"/> returns null to leave it as it is.
    /// </summary>
    private async Task<FeatureGroup> ChangeAsync(string name, Func<FeatureGroup, FeatureGroup?> change, CancellationToken ct)
    {
        while (true)
        {
            var updated = await db.WriteAsync(async (c, t) =>
            {
                var body = (await c.QueryAsync("SELECT body FROM feature_groups WHERE name = @n", t, r => r.GetString(0), ct, ("@n", name))).FirstOrDefault()
                    ?? throw GyreException.NotFound($"feature group '{name}' not found");
                var group = JsonRecords.Read<FeatureGroup>(body)!;
                if (change(group) is not { } changed)
                {
                    return group;
                }
                return await c.ExecuteAsync("UPDATE feature_groups SET body = @b WHERE name = @n AND body = @old", t, ct,
                    ("@b", JsonRecords.Write(changed)), ("@n", name), ("@old", body)) == 1 ? changed : null;
            }, ct);
            if (updated is not null)
            {
                return updated;
            }
        }
    }

    public Task<bool> DeleteAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("DELETE FROM feature_groups WHERE name = @n", t, ct, ("@n", name)) > 0, ct);
}
