using System.Data.Common;
using Gyre.Core.Features.Online;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Gyre.Storage.Features;

/// <summary>
/// The online store as one table in the metadata database (SQLite embedded, PostgreSQL when shared):
/// a row per group and entity key. A write keeps the newer of the stored row and the new one, by
/// event time then order, in the statement itself, so concurrent materialisations cannot put an older
/// value back. SQLite writes row by row with one prepared statement; PostgreSQL a batch in one round
/// trip, as arrays.
/// </summary>
internal sealed class SqlOnlineFeatureStore(SqlDatabase db) : IOnlineFeatureStore
{
    private const string KeepNewer = """
        ON CONFLICT (feature_group, entity_key) DO UPDATE SET event_time = excluded.event_time, row_order = excluded.row_order, features = excluded.features
        WHERE excluded.event_time > online_features.event_time
           OR (excluded.event_time = online_features.event_time AND excluded.row_order > online_features.row_order)
        """;

    public Task<long> UpsertAsync(string group, IReadOnlyList<OnlineFeatureRow> rows, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        c is NpgsqlConnection postgres ? await UpsertPostgresAsync(postgres, (NpgsqlTransaction)t, group, rows, ct) : UpsertSqlite((SqliteConnection)c, (SqliteTransaction)t, group, rows), ct);

    private static long UpsertSqlite(SqliteConnection c, SqliteTransaction t, string group, IReadOnlyList<OnlineFeatureRow> rows)
    {
        using var upsert = c.CreateCommand();
        upsert.Transaction = t;
        upsert.CommandText = "INSERT INTO online_features (feature_group, entity_key, event_time, row_order, features) VALUES (@g, @k, @t, @o, @f) " + KeepNewer;
        var parameters = upsert.Parameters;
        parameters.Add("@g", SqliteType.Text).Value = group;
        var (key, time, order, features) = (parameters.Add("@k", SqliteType.Text), parameters.Add("@t", SqliteType.Integer),
            parameters.Add("@o", SqliteType.Integer), parameters.Add("@f", SqliteType.Text));
        upsert.Prepare();
        long changed = 0;
        foreach (var row in rows)
        {
            (key.Value, time.Value, order.Value, features.Value) = (row.EntityKey, row.EventTime, row.Order, row.Features);
            changed += upsert.ExecuteNonQuery();
        }
        return changed;
    }

    private static async Task<long> UpsertPostgresAsync(NpgsqlConnection c, NpgsqlTransaction t, string group, IReadOnlyList<OnlineFeatureRow> rows, CancellationToken ct)
    {
        // A batch may hold a key once only (ON CONFLICT cannot touch a row twice in one statement): the materialiser gives each entity's latest once.
        await using var command = new NpgsqlCommand("""
            INSERT INTO online_features (feature_group, entity_key, event_time, row_order, features)
            SELECT @g, k, t, o, f FROM unnest(@k, @t, @o, @f) AS r (k, t, o, f)
            """ + "\n" + KeepNewer, c, t);
        command.Parameters.Add(new NpgsqlParameter<string>("g", group));
        command.Parameters.Add(new NpgsqlParameter<string[]>("k", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. rows.Select(r => r.EntityKey)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("t", [.. rows.Select(r => r.EventTime)]));
        command.Parameters.Add(new NpgsqlParameter<long[]>("o", [.. rows.Select(r => r.Order)]));
        command.Parameters.Add(new NpgsqlParameter<string[]>("f", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. rows.Select(r => r.Features)] });
        return await command.ExecuteNonQueryAsync(ct);
    }

    public Task<IReadOnlyDictionary<string, OnlineFeatureRow>> GetAsync(string group, IReadOnlyCollection<string> keys, CancellationToken ct) => db.ReadAsync<IReadOnlyDictionary<string, OnlineFeatureRow>>(async c =>
    {
        var found = new Dictionary<string, OnlineFeatureRow>(StringComparer.Ordinal);
        // One key (the common request) by the primary key directly; several in one statement: on
        // PostgreSQL as one array, so that every request shares one prepared statement; on SQLite in
        // lists of at most MaxSqliteKeys (it binds a variable per key, up to 32,766).
        var batches = keys.Count == 1 || c is NpgsqlConnection ? [keys] : keys.Chunk(MaxSqliteKeys).Select(k => (IReadOnlyCollection<string>)k).ToList();
        foreach (var batch in batches)
        {
            var (sql, parameters) = batch.Count == 1
                ? ("= @k", new (string, object?)[] { ("@g", group), ("@k", batch.First()) })
                : c is NpgsqlConnection
                    ? ("= ANY(@k)", [("@g", group), ("@k", batch.ToArray())])
                    : ($"IN ({string.Join(", ", batch.Select((_, i) => $"@k{i}"))})", [("@g", group), .. batch.Select((k, i) => ($"@k{i}", (object?)k))]);
            sql = $"{SelectRows} AND entity_key {sql}";
            foreach (var row in await c.PreparedQueryAsync(sql, null, Map, ct, parameters))
            {
                found[row.EntityKey] = row;
            }
        }
        return found;
    }, ct);

    private const int MaxSqliteKeys = 500;

    public Task<IReadOnlyList<OnlineFeatureRow>> PageAsync(string group, string? after, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<OnlineFeatureRow>>(async c =>
        await c.QueryAsync($"{SelectRows}{(after is null ? "" : " AND entity_key > @a")} ORDER BY entity_key LIMIT @l",
            null, Map, ct, ("@g", group), ("@a", after), ("@l", limit)), ct);

    public Task<IReadOnlyList<string>> KeysWhereAsync(string group, IReadOnlyList<(string Feature, string Json)> equal, CancellationToken ct) => db.ReadAsync<IReadOnlyList<string>>(async c =>
    {
        // JSON values compared as JSON values: PostgreSQL's jsonb equality; SQLite's json_extract of both sides (3 = 3.0, "3" is not 3).
        var postgres = c is NpgsqlConnection;
        var conditions = equal.Select((_, i) => postgres
            ? $"(features::jsonb -> @f{i}) = @v{i}::jsonb"
            : $"json_extract(features, @f{i}) = json_extract(@v{i}, '$')");
        var parameters = new List<(string, object?)> { ("@g", group) };
        for (var i = 0; i < equal.Count; i++)
        {
            parameters.Add(($"@f{i}", postgres ? equal[i].Feature : "$.\"" + equal[i].Feature.Replace("\"", "\\\"", StringComparison.Ordinal) + "\""));
            parameters.Add(($"@v{i}", equal[i].Json));
        }
        return await c.QueryAsync($"SELECT entity_key FROM online_features WHERE feature_group = @g AND {string.Join(" AND ", conditions)}", null, r => r.GetString(0), ct, [.. parameters]);
    }, ct);

    public Task<long> CountAsync(string group, CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT count(*) FROM online_features WHERE feature_group = @g", null, ct, ("@g", group)), System.Globalization.CultureInfo.InvariantCulture), ct);

    public Task DeleteAsync(string group, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("DELETE FROM online_features WHERE feature_group = @g", t, ct, ("@g", group)), ct);

    /// <summary>A group's rows (<c>@g</c>), as <see cref="Map"/> reads them.</summary>
    private const string SelectRows = "SELECT entity_key, event_time, row_order, features FROM online_features WHERE feature_group = @g";

    private static OnlineFeatureRow Map(DbDataReader r) => new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetString(3));
}
