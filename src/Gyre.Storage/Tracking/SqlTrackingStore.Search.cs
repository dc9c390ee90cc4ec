using Gyre.Core.Search;
using Gyre.Core.Tracking;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Tracking;

/// <summary>Searches over experiments and runs, compiled from the filter language to parameterised SQL.</summary>
internal sealed partial class SqlTrackingStore
{
    private static readonly SqlFilterTarget RunTarget = new(
        "r", "run_id",
        new Dictionary<string, string>
        {
            ["run_id"] = "r.run_id",
            ["run_name"] = "r.run_name",
            ["status"] = "r.status",
            ["artifact_uri"] = "r.artifact_uri",
            ["experiment_id"] = "CAST(r.experiment_id AS TEXT)",
            ["parent_run_id"] = "r.parent_run_id",
            ["start_time"] = "r.start_time",
            ["created"] = "r.start_time",
            ["end_time"] = "r.end_time",
        },
        TagTable: "tags", SideIdColumn: "run_id", ParamTable: "params", MetricTable: "latest_metrics", MetricKeyColumn: "run_key");

    private static readonly SqlFilterTarget ExperimentTarget = new(
        "e", "experiment_id",
        new Dictionary<string, string>
        {
            ["name"] = "e.name",
            ["experiment_id"] = "CAST(e.experiment_id AS TEXT)",
            ["creation_time"] = "e.creation_time",
            ["last_update_time"] = "e.last_update_time",
        },
        TagTable: "experiment_tags", SideIdColumn: "experiment_id");

    public Task<Page<Experiment>> SearchExperimentsAsync(ExperimentSearch search, CancellationToken ct)
    {
        var maxResults = MaxResults.Check(search.MaxResults, 50_000);
        var q = SqlSearch.Compile(search.Filter, search.OrderBy, search.PageToken, FilterSchema.Experiments, ExperimentTarget, ExperimentOrder,
            $"experiments|{search.Filter}|{string.Join(',', search.OrderBy ?? [])}|{search.ViewType}", _db.Dialect);
        var sql = $"""
            SELECT e.experiment_id, {q.KeyColumns} FROM experiments e {q.Compiler.Joins}
            WHERE {StageCondition("e", search.ViewType)} AND {q.Where} AND {q.After}
            ORDER BY {q.OrderBy} LIMIT @limit
            """;
        return _db.ReadAsync(async c =>
        {
            var rows = await c.QueryAsync(sql, null, r => (Id: r.GetInt64(0), Keys: q.ReadKeys(r, 1)), ct, [.. q.Compiler.Parameters, ("@limit", maxResults + 1)]);
            var experiments = (await ReadExperimentsAsync(c, null, $"SELECT {ExperimentColumns} FROM experiments e WHERE {_db.Dialect.InList("e.experiment_id", "@ids")}",
                [("@ids", _db.Dialect.List(rows.Select(r => r.Id)))], ct)).ToDictionary(e => ExperimentKeys.Experiment(e.ExperimentId));
            return q.ToPage(rows.Select(r => (experiments[r.Id], r.Keys)).ToList(), maxResults);
        }, ct);
    }

    public Task<Page<Run>> SearchRunsAsync(RunSearch search, CancellationToken ct)
    {
        var maxResults = MaxResults.Check(search.MaxResults, RunSearch.MaxResultsLimit);
        if (search.ExperimentIds is not { Count: > 0 })
        {
            throw Core.Errors.GyreException.Invalid("experiment_ids: expected at least one experiment id");
        }
        var experiments = search.ExperimentIds.Select((id, i) => ExperimentKeys.Experiment(id, $"experiment_ids[{i}]")).ToList();
        var q = SqlSearch.Compile(search.Filter, search.OrderBy, search.PageToken, FilterSchema.Runs, RunTarget, RunOrder,
            $"runs|{string.Join(',', experiments)}|{search.Filter}|{string.Join(',', search.OrderBy ?? [])}|{search.RunViewType}", _db.Dialect);
        var sql = $"""
            SELECT r.run_id, {q.KeyColumns} FROM runs r {q.Compiler.Joins}
            WHERE {_db.Dialect.InList("r.experiment_id", "@experiments")}
              AND {StageCondition("r", search.RunViewType)} AND {q.Where} AND {q.After}
            ORDER BY {q.OrderBy} LIMIT @limit
            """;
        return _db.ReadAsync(async c =>
        {
            var rows = await c.QueryAsync(sql, null, r => (Item: r.GetString(0), Keys: q.ReadKeys(r, 1)), ct,
                [.. q.Compiler.Parameters, ("@experiments", _db.Dialect.List(experiments)), ("@limit", maxResults + 1)]);
            var page = q.ToPage(rows, maxResults);
            return new Page<Run>(await RunReader.ReadAsync(c, null, _db.Dialect, page.Items, ct), page.NextPageToken);
        }, ct);
    }

    /// <summary>Newest first; the id (unique) breaks ties.</summary>
    private static readonly SortKey[] ExperimentOrder = [new("e.creation_time", Descending: true), new("e.experiment_id", Descending: true)];

    /// <summary>Newest first; the id (unique) breaks ties.</summary>
    private static readonly SortKey[] RunOrder = [new("r.start_time", Descending: true), new("r.run_id")];

    private static string StageCondition(string alias, ViewType view) => view switch
    {
        ViewType.ActiveOnly => $"{alias}.lifecycle_stage = 'active'",
        ViewType.DeletedOnly => $"{alias}.lifecycle_stage = 'deleted'",
        _ => "TRUE",
    };

}
