using System.Data.Common;
using Gyre.Core.Errors;
using Gyre.Core.Features;
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

    public async Task<FeatureGroup> AddPartAsync(string name, FeatureGroupPart part, CancellationToken ct)
    {
        // Compare and swap: an ingest that lost the race reads the group again, so both parts land.
        while (true)
        {
            var updated = await db.WriteAsync(async (c, t) =>
            {
                var body = (await c.QueryAsync("SELECT body FROM feature_groups WHERE name = @n", t, r => r.GetString(0), ct, ("@n", name))).FirstOrDefault()
                    ?? throw GyreException.NotFound($"feature group '{name}' not found");
                var group = JsonRecords.Read<FeatureGroup>(body)!;
                group = group with { Parts = [.. group.Parts, part] };
                return await c.ExecuteAsync("UPDATE feature_groups SET body = @b WHERE name = @n AND body = @old", t, ct,
                    ("@b", JsonRecords.Write(group)), ("@n", name), ("@old", body)) == 1 ? group : null;
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
