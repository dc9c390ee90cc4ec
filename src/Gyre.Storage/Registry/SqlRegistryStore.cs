using Gyre.Core.Errors;
using Gyre.Core.Registry;
using Gyre.Core.Search;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;
using System.Data.Common;

namespace Gyre.Storage.Registry;

/// <summary>The model registry: models here, versions and aliases in the other part.</summary>
internal sealed partial class SqlRegistryStore : IRegistryStore
{
    private static readonly SqlFilterTarget ModelTarget = new(
        "m", "model_id",
        new Dictionary<string, string>
        {
            ["name"] = "m.name",
            ["creation_time"] = "m.creation_time",
            ["last_updated_time"] = "m.last_updated_time",
        },
        TagTable: "registered_model_tags", SideIdColumn: "model_id");

    private readonly SqlDatabase _db;
    private readonly TimeProvider _time;

    public SqlRegistryStore(SqlDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<RegisteredModel> CreateModelAsync(string name, string? description, IReadOnlyList<Tag> tags, CancellationToken ct)
    {
        var problems = new List<string>();
        if (ModelNames.CheckModelName("name", name) is { } nameProblem)
        {
            problems.Add(nameProblem);
        }
        problems.AddRange(CheckTags(tags));
        GyreException.ThrowIfAny(problems);
        return _db.WriteAsync(async (c, t) =>
        {
            var now = Now;
            long id;
            try
            {
                id = (long)(await c.ScalarAsync(
                    "INSERT INTO registered_models (name, description, creation_time, last_updated_time) VALUES (@n, @d, @t, @t) RETURNING model_id",
                    t, ct, ("@n", name), ("@d", description), ("@t", now)))!;
            }
            catch (DbException e) when (_db.Dialect.IsUniqueViolation(e))
            {
                throw GyreException.AlreadyExists($"registered model '{name}' already exists");
            }
            foreach (var tag in tags)
            {
                await c.ExecuteAsync("INSERT INTO registered_model_tags (model_id, key, value) VALUES (@m, @k, @v) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                    t, ct, ("@m", id), ("@k", tag.Key), ("@v", tag.Value));
            }
            return (await ReadModelsAsync(c, t, "WHERE m.model_id = @id", [("@id", id)], ct))[0];
        }, ct);
    }

    public Task<RegisteredModel> GetModelAsync(string name, CancellationToken ct) => _db.ReadAsync(async c =>
    {
        var models = await ReadModelsAsync(c, null, "WHERE m.name = @n", [("@n", name)], ct);
        return models.Count == 1 ? models[0] : throw ModelNotFound(name);
    }, ct);

    public Task<Page<RegisteredModel>> SearchModelsAsync(ModelSearch search, CancellationToken ct)
    {
        var maxResults = MaxResults.Check(search.MaxResults, 10_000);
        var q = SqlSearch.Compile(search.Filter, search.OrderBy, search.PageToken, FilterSchema.Models, ModelTarget, [new SortKey("m.name")],
            $"models|{search.Filter}|{string.Join(',', search.OrderBy ?? [])}", _db.Dialect);
        return _db.ReadAsync(async c =>
        {
            var rows = await c.QueryAsync($"SELECT m.name, {q.KeyColumns} FROM registered_models m {q.Compiler.Joins} WHERE {q.Where} AND {q.After} ORDER BY {q.OrderBy} LIMIT @limit",
                null, r => (Name: r.GetString(0), Keys: q.ReadKeys(r, 1)), ct, [.. q.Compiler.Parameters, ("@limit", maxResults + 1)]);
            var models = (await ReadModelsAsync(c, null, $"WHERE {_db.Dialect.InList("m.name", "@names")}", [("@names", _db.Dialect.List(rows.Select(r => r.Name)))], ct))
                .ToDictionary(m => m.Name, StringComparer.Ordinal);
            return q.ToPage(rows.Select(r => (models[r.Name], r.Keys)).ToList(), maxResults);
        }, ct);
    }

    public Task<RegisteredModel> UpdateModelAsync(string name, string? newName, string? description, CancellationToken ct)
    {
        if (newName is not null && ModelNames.CheckModelName("new_name", newName) is { } problem)
        {
            throw GyreException.Invalid(problem);
        }
        return _db.WriteAsync(async (c, t) =>
        {
            var id = await RequireModelAsync(c, t, name, ct);
            try
            {
                await c.ExecuteAsync("""
                    UPDATE registered_models SET name = COALESCE(@new, name), description = COALESCE(@d, description), last_updated_time = @t
                    WHERE model_id = @id
                    """, t, ct, ("@new", newName), ("@d", description), ("@t", Now), ("@id", id));
            }
            catch (DbException e) when (_db.Dialect.IsUniqueViolation(e))
            {
                throw GyreException.AlreadyExists($"registered model '{newName}' already exists");
            }
            return (await ReadModelsAsync(c, t, "WHERE m.model_id = @id", [("@id", id)], ct))[0];
        }, ct);
    }

    public Task DeleteModelAsync(string name, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireModelAsync(c, t, name, ct);
        await c.ExecuteAsync("DELETE FROM registered_models WHERE model_id = @id", t, ct, ("@id", id));
    }, ct);

    public Task SetModelTagAsync(string name, Tag tag, CancellationToken ct)
    {
        GyreException.ThrowIfAny(CheckTags([tag]));
        return _db.WriteAsync(async (c, t) =>
        {
            var id = await RequireModelAsync(c, t, name, ct);
            await c.ExecuteAsync("INSERT INTO registered_model_tags (model_id, key, value) VALUES (@m, @k, @v) ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value",
                t, ct, ("@m", id), ("@k", tag.Key), ("@v", tag.Value));
            await TouchModelAsync(c, t, id, ct);
        }, ct);
    }

    public Task DeleteModelTagAsync(string name, string key, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        var id = await RequireModelAsync(c, t, name, ct);
        if (await c.ExecuteAsync("DELETE FROM registered_model_tags WHERE model_id = @m AND key = @k", t, ct, ("@m", id), ("@k", key)) == 0)
        {
            throw GyreException.NotFound($"registered model '{name}' has no tag '{key}'");
        }
        await TouchModelAsync(c, t, id, ct);
    }, ct);

    private Task TouchModelAsync(DbConnection c, DbTransaction t, long id, CancellationToken ct) =>
        c.ExecuteAsync("UPDATE registered_models SET last_updated_time = @t WHERE model_id = @id", t, ct, ("@t", Now), ("@id", id));

    private static async Task<long> RequireModelAsync(DbConnection c, DbTransaction? t, string name, CancellationToken ct) =>
        await c.ScalarAsync("SELECT model_id FROM registered_models WHERE name = @n", t, ct, ("@n", name)) as long?
            ?? throw ModelNotFound(name);

    private static GyreException ModelNotFound(string name) => GyreException.NotFound($"registered model '{name}' does not exist");

    private static List<string> CheckTags(IReadOnlyList<Tag> tags)
    {
        var problems = new List<string>();
        Tags.Check("tags", tags, problems);
        return problems;
    }

    private async Task<List<RegisteredModel>> ReadModelsAsync(DbConnection c, DbTransaction? t, string tail, IReadOnlyList<(string, object?)> parameters, CancellationToken ct)
    {
        var rows = await c.QueryAsync(
            $"SELECT m.model_id, m.name, m.description, m.creation_time, m.last_updated_time, (SELECT MAX(version) FROM model_versions v WHERE v.model_id = m.model_id) FROM registered_models m {tail}",
            t, r => (Id: r.GetInt64(0), Name: r.GetString(1), Description: r.NullableString(2), Created: r.GetInt64(3), Updated: r.GetInt64(4), Latest: r.NullableInt64(5)),
            ct, [.. parameters]);
        if (rows.Count == 0)
        {
            return [];
        }
        var ids = _db.Dialect.List(rows.Select(r => r.Id));
        var tags = (await c.QueryAsync($"SELECT model_id, key, value FROM registered_model_tags WHERE {_db.Dialect.InList("model_id", "@ids")} ORDER BY key",
            t, r => (Id: r.GetInt64(0), Tag: new Tag(r.GetString(1), r.GetString(2))), ct, ("@ids", ids))).ToLookup(x => x.Id, x => x.Tag);
        var aliases = (await c.QueryAsync($"SELECT model_id, alias, version FROM model_aliases WHERE {_db.Dialect.InList("model_id", "@ids")} ORDER BY alias",
            t, r => (Id: r.GetInt64(0), Alias: new ModelAlias(r.GetString(1), r.GetInt64(2))), ct, ("@ids", ids))).ToLookup(x => x.Id, x => x.Alias);
        return rows.Select(r => new RegisteredModel(r.Name, r.Description, r.Created, r.Updated, tags[r.Id].ToList(), aliases[r.Id].ToList(), r.Latest)).ToList();
    }
}
