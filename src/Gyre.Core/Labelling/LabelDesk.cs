using System.Globalization;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Labelling;

/// <summary>An item offered to a labeller, with the choices to label it with (null: a number).</summary>
public sealed record LabelTask(LabelItem Item, IReadOnlyList<ItemLabel> Labels, IReadOnlyList<string>? Choices);

/// <summary>A label given (<c>Label</c>: a class, or a number for a regression) or a skip (<c>Skip</c>).</summary>
public sealed record LabelSubmission(JsonElement? Label = null, bool Skip = false);

/// <summary>What a submission or an undo did: the item as it is now, and whether anything was added or taken back.</summary>
public sealed record LabelOutcome(LabelItem Item, IReadOnlyList<ItemLabel> Labels, bool Changed);

/// <summary>
/// Where people label: the next item for a labeller, a label or a skip (a second submit of the same
/// item changes nothing), undo of the last, and a reviewer's word on an item whose labels differ.
/// An item's final label becomes its prediction's ground truth at once, as a person's feedback
/// (<see cref="FeedbackSource"/>): online metrics, monitors, policies and retraining read it as they
/// read the application's.
/// </summary>
public sealed class LabelDesk(ILabelStore store, IPredictionLog log, TimeProvider time)
{
    /// <summary>How long an item offered to one person is offered to others only when nothing else is left.</summary>
    public static readonly TimeSpan Offer = TimeSpan.FromMinutes(2);

    /// <summary>The next item for a labeller, offered to them for <see cref="Offer"/> when <paramref name="offer"/> (someone who can label), else only shown.</summary>
    public async Task<LabelTask?> NextAsync(string queueName, string labeller, bool offer, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        var now = time.GetUtcNow();
        return await store.NextAsync(queue.Name, labeller, now.ToUnixTimeMilliseconds(), offer ? (now + Offer).ToUnixTimeMilliseconds() : null, ct) is { } next
            ? new LabelTask(next.Item, next.Labels, queue.Choices)
            : null;
    }

    /// <summary>An item of the queue as a labeller sees it; an item not in the queue is a 404 naming it.</summary>
    public async Task<LabelTask> ItemAsync(string queueName, string predictionId, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        var item = await store.GetItemAsync(queue.Name, predictionId, ct) ?? throw NotInQueue(queue, predictionId);
        return new LabelTask(item.Item, item.Labels, queue.Choices);
    }

    public async Task<LabelOutcome> SubmitAsync(string queueName, string predictionId, string labeller, LabelSubmission submission, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        string? label = null;
        if (!submission.Skip)
        {
            label = Check(queue, submission.Label);
        }
        else if (submission.Label is { ValueKind: not JsonValueKind.Null })
        {
            throw GyreException.Invalid("skip: a skip carries no label; send either a label or skip: true");
        }
        var stored = await store.AddLabelAsync(new ItemLabel(queue.Name, predictionId, labeller, label, time.GetUtcNow().ToUnixTimeMilliseconds()),
            item => LabelConsolidation.Settle(item, queue), ct) ?? throw NotInQueue(queue, predictionId);
        await FeedAsync(queue, stored.Item.Item);
        return new LabelOutcome(stored.Item.Item, stored.Item.Labels, stored.Added);
    }

    /// <summary>Takes back the labeller's last label or skip in the queue; <c>Changed</c> false when there was none.</summary>
    public async Task<LabelOutcome?> UndoAsync(string queueName, string labeller, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        var undone = await store.UndoAsync(queue.Name, labeller, item => LabelConsolidation.Settle(item, queue), ct);
        if (undone is not { } done)
        {
            return null;
        }
        await FeedAsync(queue, done.Item.Item);
        return new LabelOutcome(done.Item.Item, done.Item.Labels, true);
    }

    /// <summary>A reviewer's final label of an item whose labels differ.</summary>
    public async Task<LabelItem> ResolveAsync(string queueName, string predictionId, string reviewer, JsonElement? label, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        var final = Check(queue, label);
        if (await store.GetItemAsync(queue.Name, predictionId, ct) is null)
        {
            throw NotInQueue(queue, predictionId);
        }
        var resolved = await store.ResolveAsync(queue.Name, predictionId, reviewer, final, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
        await FeedAsync(queue, resolved);
        return resolved;
    }

    /// <summary>The items a queue's labellers disagree on, waiting for a reviewer.</summary>
    public async Task<IReadOnlyList<LabelledItem>> ReviewAsync(string queueName, int limit, CancellationToken ct)
    {
        var queue = await QueueAsync(queueName, ct);
        return await store.ItemsAsync(queue.Name, LabelItemStates.Review, limit, ct);
    }

    /// <summary>
    /// Feeds the items whose feedback fell behind them (a failure between a label's write and its
    /// feed), oldest first, at most <see cref="RepairBatch"/> a call; returns how many it fed. An item
    /// is fed only when the call before found it behind at the same version: one a person's call is
    /// feeding now is left to that call. One item that cannot be fed does not hold back the others
    /// (the first failure is thrown after them); the log or database away stops the batch at once.
    /// </summary>
    public async Task<int> RepairAsync(CancellationToken ct)
    {
        var behind = await store.UnfedAsync(RepairBatch, ct);
        var settled = behind.Where(i => _behindBefore.TryGetValue((i.Queue, i.PredictionId), out var version) && version == i.Version).ToList();
        _behindBefore = behind.ToDictionary(i => (i.Queue, i.PredictionId), i => i.Version);
        if (settled.Count == 0)
        {
            return 0;
        }
        var queues = (await store.ListQueuesAsync(ct)).ToDictionary(q => q.Queue.Name, q => q.Queue, StringComparer.Ordinal);
        Exception? failed = null;
        foreach (var item in settled)
        {
            try
            {
                if (queues.TryGetValue(item.Queue, out var queue))
                {
                    await FeedAsync(queue, item);
                }
            }
            catch (GyreException e) when (e.IsTransient)
            {
                throw; // the rest would wait on the same database
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                failed ??= e;
            }
        }
        if (failed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
        return settled.Count;
    }

    /// <summary>How many items whose feedback fell behind one repair reads.</summary>
    public const int RepairBatch = 500;

    /// <summary>How many times a feed starts over because the item changed under it, before it leaves the item marked behind for the repair.</summary>
    private const int FeedAttempts = 5;

    /// <summary>The items the last repair found behind, at their versions (the repair runs on one worker at a time).</summary>
    private Dictionary<(string Queue, string PredictionId), long> _behindBefore = [];

    /// <summary>
    /// Makes the prediction's feedback follow the item: its final label stored as this queue's
    /// people's (unchanged when it already was), or this queue's label taken back when it has none;
    /// then marks the item fed at the version it read. The item is written first, in its own store;
    /// when it changed in between (another person's write, whose feed may have gone before this
    /// one), the item is read and fed again, so that the last feed is of its last version. A feed
    /// that fails, or whose item keeps changing, leaves the item marked behind, for
    /// <see cref="RepairAsync"/>: it may have landed after a newer one.
    /// </summary>
    /// <remarks>
    /// Not cancelled with the caller's request: a feed stopped between its write and its check
    /// could leave an older label standing over a newer one.
    /// </remarks>
    private async Task FeedAsync(LabelQueueDefinition queue, LabelItem item)
    {
        var ct = CancellationToken.None;
        try
        {
            for (var attempt = 0; attempt < FeedAttempts; attempt++)
            {
                if (item.Final is { } final)
                {
                    await log.AddFeedbackAsync(queue.Endpoint, [new Feedback(item.PredictionId, final)], FeedbackSource.Human(queue.Name, queue.Prefer == LabelPreferences.Human), ct);
                }
                else
                {
                    await log.RemoveHumanFeedbackAsync(queue.Endpoint, item.PredictionId, queue.Name, ct);
                }
                if (await store.MarkFedAsync(queue.Name, item.PredictionId, item.Version, ct)
                    || await store.GetItemAsync(queue.Name, item.PredictionId, ct) is not { } now)
                {
                    return;
                }
                item = now.Item;
            }
        }
        catch (Exception)
        {
            await MarkBehindAsync(queue.Name, item.PredictionId);
            throw;
        }
        await MarkBehindAsync(queue.Name, item.PredictionId);
    }

    private async Task MarkBehindAsync(string queue, string predictionId)
    {
        try
        {
            await store.MarkBehindAsync(queue, predictionId, CancellationToken.None);
        }
        catch (Exception)
        {
            // The database is away as well: the feed's own failure is what the caller hears of.
        }
    }

    /// <summary>A label as the queue takes it: one of its classes (as JSON text), or a finite number for a regression.</summary>
    public static string Check(LabelQueueDefinition queue, JsonElement? label)
    {
        if (label is not { } value || value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            throw GyreException.Invalid(queue.Choices is null ? "label: expected a number" : $"label: expected one of {string.Join(", ", queue.Choices)}");
        }
        if (queue.Choices is null)
        {
            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
                ? number.ToString("R", CultureInfo.InvariantCulture)
                : throw GyreException.Invalid($"label: expected a number for this regression, got {value.GetRawText()}");
        }
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return queue.Choices.Contains(text)
            ? JsonSerializer.Serialize(text)
            : throw GyreException.Invalid($"label: '{text}' is not one of the model's classes ({string.Join(", ", queue.Choices)})");
    }

    private Task<LabelQueueDefinition> QueueAsync(string name, CancellationToken ct) => LabelQueues.QueueAsync(store, name, ct);

    private static GyreException NotInQueue(LabelQueueDefinition queue, string predictionId) =>
        GyreException.NotFound($"prediction_id: the prediction {predictionId} is not an item of the labelling queue '{queue.Name}'");
}
