using Gyre.Core.Errors;
using Gyre.Core.Serving.Rollouts;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Serving;

/// <summary>Rollouts: the record as JSON, with its endpoint and state beside it for the one-running-per-endpoint rule.</summary>
internal sealed class SqlRolloutStore(SqlDatabase db) : IRolloutStore
{
    public async Task<Rollout> CreateRolloutAsync(Rollout rollout, CancellationToken ct)
    {
        try
        {
            return await db.WriteAsync(async (c, t) =>
            {
                var id = Convert.ToInt64(await c.ScalarAsync(
                    "INSERT INTO rollouts (endpoint, state, body, start_time) VALUES (@e, @s, '{}', @t) RETURNING rollout_id", t, ct,
                    ("@e", rollout.Endpoint), ("@s", rollout.State), ("@t", rollout.StartTime)), System.Globalization.CultureInfo.InvariantCulture);
                var stored = rollout with { Id = id };
                await c.ExecuteAsync("UPDATE rollouts SET body = @b WHERE rollout_id = @id", t, ct, ("@b", Json(stored)), ("@id", id));
                return stored;
            }, ct);
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw GyreException.Conflict($"endpoint '{rollout.Endpoint}' already has a rollout running");
        }
    }

    public Task<Rollout> SaveRolloutAsync(Rollout rollout, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("UPDATE rollouts SET state = @s, body = @b, revision = revision + 1 WHERE rollout_id = @id AND endpoint = @e AND revision = @r", t, ct,
                ("@s", rollout.State), ("@b", Json(rollout)), ("@id", rollout.Id), ("@e", rollout.Endpoint), ("@r", rollout.Revision)) == 1)
        {
            return rollout with { Revision = rollout.Revision + 1 };
        }
        var stored = await c.ScalarAsync("SELECT revision FROM rollouts WHERE rollout_id = @id AND endpoint = @e", t, ct, ("@id", rollout.Id), ("@e", rollout.Endpoint));
        throw stored is null
            ? GyreException.NotFound($"rollout {rollout.Id} on endpoint '{rollout.Endpoint}' does not exist")
            : GyreException.Conflict($"rollout {rollout.Id} on endpoint '{rollout.Endpoint}' changed meanwhile (another replica or request saved it); read it again");
    }, ct);

    public Task<Rollout> GetRolloutAsync(string endpoint, long id, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body, revision FROM rollouts WHERE rollout_id = @id AND endpoint = @e", null, Map, ct, ("@id", id), ("@e", endpoint))).FirstOrDefault()
        ?? throw GyreException.NotFound($"rollout {id} on endpoint '{endpoint}' does not exist"), ct);

    public Task<IReadOnlyList<Rollout>> ListRolloutsAsync(string endpoint, CancellationToken ct) => db.ReadAsync<IReadOnlyList<Rollout>>(async c =>
        await c.QueryAsync("SELECT body, revision FROM rollouts WHERE endpoint = @e ORDER BY rollout_id DESC", null, Map, ct, ("@e", endpoint)), ct);

    public Task<Rollout?> GetRunningAsync(string endpoint, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync("SELECT body, revision FROM rollouts WHERE endpoint = @e AND state = 'running'", null, Map, ct, ("@e", endpoint))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<Rollout>> ListLatestAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<Rollout>>(async c =>
        await c.QueryAsync("SELECT body, revision FROM rollouts WHERE rollout_id IN (SELECT MAX(rollout_id) FROM rollouts GROUP BY endpoint) ORDER BY rollout_id", null, Map, ct), ct);

    private static string Json(Rollout rollout) => JsonRecords.Write(rollout);

    private static Rollout Map(DbDataReader r) => JsonRecords.Read<Rollout>(r) with { Revision = r.GetInt64(1) };
}
