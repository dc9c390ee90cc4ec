using System.Data.Common;
using Gyre.Core.Errors;
using Gyre.Core.Labelling;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Labelling;

/// <summary>Labelling queues (JSON records), their items and labels, in the metadata database.</summary>
internal sealed partial class SqlLabelStore(SqlDatabase db) : ILabelStore
{
    private const string ItemColumns = "i.queue, i.prediction_id, i.prediction_time, i.variant, i.model, i.inputs, i.outputs, i.reason, i.priority, i.labels_needed, "
        + "i.added_time, i.state, i.final_label, i.reviewer, i.review_time, i.version";

    public Task AddQueueAsync(LabelQueueDefinition queue, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        try
        {
            await c.ExecuteAsync("INSERT INTO label_queues (name, body, sampled_until) VALUES (@n, @b, @s)", t, ct,
                ("@n", queue.Name), ("@b", JsonRecords.Write(queue)), ("@s", queue.Since));
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw GyreException.AlreadyExists($"name: the labelling queue '{queue.Name}' exists");
        }
        return 0;
    }, ct);

    public Task<(LabelQueueDefinition Queue, long SampledUntil)?> GetQueueAsync(string name, CancellationToken ct) => db.ReadAsync(async c =>
        (await c.QueryAsync<(LabelQueueDefinition, long)?>("SELECT body, sampled_until FROM label_queues WHERE name = @n", null,
            r => (JsonRecords.Read<LabelQueueDefinition>(r.GetString(0)), r.GetInt64(1)), ct, ("@n", name))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<(LabelQueueDefinition Queue, long SampledUntil)>> ListQueuesAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyList<(LabelQueueDefinition, long)>>(async c =>
        await c.QueryAsync("SELECT body, sampled_until FROM label_queues ORDER BY name", null, r => (JsonRecords.Read<LabelQueueDefinition>(r.GetString(0)), r.GetInt64(1)), ct), ct);

    public Task<bool> DeleteQueueAsync(string name, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        await c.ExecuteAsync("DELETE FROM labels WHERE queue = @q", t, ct, ("@q", name));
        await c.ExecuteAsync("DELETE FROM label_items WHERE queue = @q", t, ct, ("@q", name));
        return await c.ExecuteAsync("DELETE FROM label_queues WHERE name = @q", t, ct, ("@q", name)) > 0;
    }, ct);

    public Task<bool> AddSampleAsync(string queue, long from, long until, IReadOnlyList<LabelItem> items, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("UPDATE label_queues SET sampled_until = @u WHERE name = @q AND sampled_until = @f", t, ct,
            ("@u", until), ("@q", queue), ("@f", from)) == 0)
        {
            return false;
        }
        foreach (var item in items)
        {
            await c.ExecuteAsync(
                "INSERT INTO label_items (queue, prediction_id, prediction_time, variant, model, inputs, outputs, reason, priority, labels_needed, added_time, state) "
                + "VALUES (@q, @id, @pt, @v, @m, @in, @out, @why, @p, @need, @added, @state) ON CONFLICT (queue, prediction_id) DO NOTHING",
                t, ct, ("@q", queue), ("@id", item.PredictionId), ("@pt", item.PredictionTime), ("@v", item.Variant), ("@m", item.Model),
                ("@in", item.Inputs), ("@out", item.Outputs), ("@why", item.Reason), ("@p", item.Priority), ("@need", item.LabelsNeeded),
                ("@added", item.AddedTime), ("@state", LabelItemStates.Open));
        }
        return true;
    }, ct);

    public Task<LabelledItem?> NextAsync(string queue, string labeller, long now, long? claimUntil, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        // Items someone else was offered and may be labelling now come last: they are offered again only when nothing else is left.
        var next = (await c.QueryAsync(
            $"SELECT {ItemColumns} FROM label_items i WHERE i.queue = @q AND i.state = '{LabelItemStates.Open}' "
            + "AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.queue = i.queue AND l.prediction_id = i.prediction_id AND l.labeller = @who) "
            + "ORDER BY CASE WHEN i.claimed_by IS NOT NULL AND i.claimed_by <> @who AND i.claimed_until > @now THEN 1 ELSE 0 END, "
            + "(SELECT count(*) FROM labels l WHERE l.queue = i.queue AND l.prediction_id = i.prediction_id AND l.label IS NOT NULL) DESC, "
            + "i.added_time, i.priority DESC, i.prediction_id LIMIT 1",
            t, ReadItem, ct, ("@q", queue), ("@who", labeller), ("@now", now))).FirstOrDefault();
        if (next is null)
        {
            return null;
        }
        if (claimUntil is not null)
        {
            await c.ExecuteAsync("UPDATE label_items SET claimed_by = @who, claimed_until = @until WHERE queue = @q AND prediction_id = @id", t, ct,
                ("@who", labeller), ("@until", claimUntil), ("@q", queue), ("@id", next.PredictionId));
        }
        return (LabelledItem?)new LabelledItem(next, await LabelsOfAsync(c, t, queue, next.PredictionId, ct));
    }, ct);

    public Task<LabelledItem?> GetItemAsync(string queue, string predictionId, CancellationToken ct) => db.ReadAsync(c => ItemAsync(c, null, queue, predictionId, ct), ct);

    public Task<(LabelledItem Item, bool Added)?> AddLabelAsync(ItemLabel label, Func<LabelledItem, LabelItem> consolidate, CancellationToken ct) =>
        db.WriteAsync<(LabelledItem, bool)?>(async (c, t) =>
        {
            if (await ItemAsync(c, t, label.Queue, label.PredictionId, ct) is null)
            {
                return null;
            }
            var added = await c.ExecuteAsync(
                "INSERT INTO labels (queue, prediction_id, labeller, label, time) VALUES (@q, @id, @who, @l, @t) ON CONFLICT (queue, prediction_id, labeller) DO NOTHING",
                t, ct, ("@q", label.Queue), ("@id", label.PredictionId), ("@who", label.Labeller), ("@l", label.Label), ("@t", label.Time)) == 1;
            // Answered: the item is free for the next person (an item that asks for two labels).
            await c.ExecuteAsync("UPDATE label_items SET claimed_by = NULL, claimed_until = NULL WHERE queue = @q AND prediction_id = @id AND claimed_by = @who", t, ct,
                ("@q", label.Queue), ("@id", label.PredictionId), ("@who", label.Labeller));
            return (await SettleAsync(c, t, label.Queue, label.PredictionId, consolidate, ct), added);
        }, ct);

    public Task<(LabelledItem Item, ItemLabel Removed)?> UndoAsync(string queue, string labeller, Func<LabelledItem, LabelItem> consolidate, CancellationToken ct) =>
        db.WriteAsync<(LabelledItem, ItemLabel)?>(async (c, t) =>
        {
            var last = (await c.QueryAsync(
                "SELECT queue, prediction_id, labeller, label, time FROM labels WHERE queue = @q AND labeller = @who ORDER BY time DESC, prediction_id DESC LIMIT 1",
                t, ReadLabel, ct, ("@q", queue), ("@who", labeller))).FirstOrDefault();
            if (last is null)
            {
                return null;
            }
            var item = (await ItemAsync(c, t, queue, last.PredictionId, ct))!;
            if (item.Item.Reviewer is { } reviewer)
            {
                throw GyreException.Conflict($"undo: the item {last.PredictionId} was decided in review by {reviewer}; its labels can no longer be taken back");
            }
            await c.ExecuteAsync("DELETE FROM labels WHERE queue = @q AND prediction_id = @id AND labeller = @who", t, ct,
                ("@q", queue), ("@id", last.PredictionId), ("@who", labeller));
            return (await SettleAsync(c, t, queue, last.PredictionId, consolidate, ct), last);
        }, ct);

    public Task<LabelItem> ResolveAsync(string queue, string predictionId, string reviewer, string final, long time, CancellationToken ct) => db.WriteAsync(async (c, t) =>
    {
        var item = await ItemAsync(c, t, queue, predictionId, ct)
            ?? throw GyreException.NotFound($"prediction_id: the item {predictionId} is not in the labelling queue '{queue}'");
        if (item.Item is { State: LabelItemStates.Done } decided && decided.Reviewer == reviewer && decided.Final == final)
        {
            return decided; // the same decision again (a retry): nothing changes
        }
        if (item.Item.State != LabelItemStates.Review)
        {
            throw GyreException.Conflict($"prediction_id: the item {predictionId} is {item.Item.State}, not in review");
        }
        var resolved = item.Item with { State = LabelItemStates.Done, Final = final, Reviewer = reviewer, ReviewTime = time, Version = item.Item.Version + 1 };
        await UpdateAsync(c, t, resolved, ct);
        return resolved;
    }, ct);

    public Task<IReadOnlyList<LabelledItem>> ItemsAsync(string queue, string? state, int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<LabelledItem>>(async c =>
    {
        // A null parameter has no type PostgreSQL can infer: the state's condition is left out instead.
        var inState = state is null ? "" : " AND i.state = @s";
        var items = await c.QueryAsync(
            $"SELECT {ItemColumns} FROM label_items i WHERE i.queue = @q{inState} ORDER BY i.added_time, i.prediction_id LIMIT @limit",
            null, ReadItem, ct, ("@q", queue), ("@s", state), ("@limit", limit));
        // The labels of those items only: the same selection, as a subquery.
        var labels = (await c.QueryAsync(
            "SELECT l.queue, l.prediction_id, l.labeller, l.label, l.time FROM labels l WHERE l.queue = @q AND l.prediction_id IN "
            + $"(SELECT i.prediction_id FROM label_items i WHERE i.queue = @q{inState} ORDER BY i.added_time, i.prediction_id LIMIT @limit) ORDER BY l.time, l.labeller",
            null, ReadLabel, ct, ("@q", queue), ("@s", state), ("@limit", limit))).ToLookup(l => l.PredictionId, StringComparer.Ordinal);
        return [.. items.Select(i => new LabelledItem(i, [.. labels[i.PredictionId]]))];
    }, ct);

    public Task<IReadOnlyList<ItemLabel>> LabelsAsync(string queue, CancellationToken ct) => db.ReadAsync<IReadOnlyList<ItemLabel>>(async c =>
        await c.QueryAsync("SELECT queue, prediction_id, labeller, label, time FROM labels WHERE queue = @q ORDER BY prediction_id, time, labeller",
            null, ReadLabel, ct, ("@q", queue)), ct);

    public Task<bool> MarkFedAsync(string queue, string predictionId, long version, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("UPDATE label_items SET fed_version = @v WHERE queue = @q AND prediction_id = @id AND version = @v", t, ct,
            ("@v", version), ("@q", queue), ("@id", predictionId)) == 1, ct);

    public Task<IReadOnlyList<LabelItem>> UnfedAsync(int limit, CancellationToken ct) => db.ReadAsync<IReadOnlyList<LabelItem>>(async c =>
        await c.QueryAsync($"SELECT {ItemColumns} FROM label_items i WHERE i.fed_version < i.version ORDER BY i.added_time, i.queue, i.prediction_id LIMIT @limit",
            null, ReadItem, ct, ("@limit", limit)), ct);

    public Task MarkBehindAsync(string queue, string predictionId, CancellationToken ct) => db.WriteAsync(async (c, t) =>
        await c.ExecuteAsync("UPDATE label_items SET fed_version = -1 WHERE queue = @q AND prediction_id = @id", t, ct, ("@q", queue), ("@id", predictionId)), ct);

    public Task<IReadOnlyDictionary<string, LabelQueueCounts>> AllCountsAsync(CancellationToken ct) => db.ReadAsync<IReadOnlyDictionary<string, LabelQueueCounts>>(async c =>
        (await c.QueryAsync("SELECT queue, state, count(*), sum(CASE WHEN fed_version < version THEN 1 ELSE 0 END) FROM label_items GROUP BY queue, state", null,
            r => (Queue: r.GetString(0), State: r.GetString(1), Items: r.GetInt64(2), Behind: r.GetInt64(3)), ct))
            .GroupBy(r => r.Queue, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new LabelQueueCounts(g.ToDictionary(r => r.State, r => r.Items, StringComparer.Ordinal), g.Sum(r => r.Behind)), StringComparer.Ordinal), ct);

    public Task<IReadOnlyDictionary<string, long>> CountsAsync(string queue, CancellationToken ct) => db.ReadAsync<IReadOnlyDictionary<string, long>>(async c =>
        (await c.QueryAsync("SELECT state, count(*) FROM label_items WHERE queue = @q GROUP BY state", null, r => (r.GetString(0), r.GetInt64(1)), ct, ("@q", queue)))
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal), ct);

    /// <summary>Sets an item's state and final label from its labels as they are now in this transaction.</summary>
    private static async Task<LabelledItem> SettleAsync(DbConnection c, DbTransaction t, string queue, string predictionId, Func<LabelledItem, LabelItem> consolidate, CancellationToken ct)
    {
        var item = (await ItemAsync(c, t, queue, predictionId, ct))!;
        var settled = consolidate(item);
        if (settled != item.Item)
        {
            settled = settled with { Version = item.Item.Version + 1 };
            await UpdateAsync(c, t, settled, ct);
        }
        return item with { Item = settled };
    }

    /// <summary>Writes an item's new state at its new version (its read's plus one: writes are serializable).</summary>
    private static Task<int> UpdateAsync(DbConnection c, DbTransaction t, LabelItem item, CancellationToken ct) => c.ExecuteAsync(
        "UPDATE label_items SET state = @s, final_label = @f, reviewer = @r, review_time = @rt, version = @v WHERE queue = @q AND prediction_id = @id", t, ct,
        ("@s", item.State), ("@f", item.Final), ("@r", item.Reviewer), ("@rt", item.ReviewTime), ("@v", item.Version), ("@q", item.Queue), ("@id", item.PredictionId));

    private static async Task<LabelledItem?> ItemAsync(DbConnection c, DbTransaction? t, string queue, string predictionId, CancellationToken ct)
    {
        var item = (await c.QueryAsync($"SELECT {ItemColumns} FROM label_items i WHERE i.queue = @q AND i.prediction_id = @id", t, ReadItem, ct,
            ("@q", queue), ("@id", predictionId))).FirstOrDefault();
        return item is null ? null : new LabelledItem(item, await LabelsOfAsync(c, t, queue, predictionId, ct));
    }

    private static async Task<IReadOnlyList<ItemLabel>> LabelsOfAsync(DbConnection c, DbTransaction? t, string queue, string predictionId, CancellationToken ct) =>
        await c.QueryAsync("SELECT queue, prediction_id, labeller, label, time FROM labels WHERE queue = @q AND prediction_id = @id ORDER BY time, labeller",
            t, ReadLabel, ct, ("@q", queue), ("@id", predictionId));

    private static LabelItem ReadItem(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), r.GetString(5),
        r.GetString(6), r.GetString(7), r.GetDouble(8), r.GetInt32(9), r.GetInt64(10), r.GetString(11), r.NullableString(12), r.NullableString(13), r.NullableInt64(14), r.GetInt64(15));

    private static ItemLabel ReadLabel(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.NullableString(3), r.GetInt64(4));
}
