namespace Gyre.Core.Labelling;

/// <summary>Labelling queues, the items their samplers picked, and people's labels of them.</summary>
public interface ILabelStore
{
    /// <summary>Adds a queue whose sampler starts reading at <see cref="LabelQueueDefinition.Since"/>; a name in use is a 409.</summary>
    Task AddQueueAsync(LabelQueueDefinition queue, CancellationToken ct);

    /// <summary>A queue with how far its sampler has read (prediction time, ms), or null.</summary>
    Task<(LabelQueueDefinition Queue, long SampledUntil)?> GetQueueAsync(string name, CancellationToken ct);

    /// <summary>Every queue with how far its sampler has read (prediction time, ms).</summary>
    Task<IReadOnlyList<(LabelQueueDefinition Queue, long SampledUntil)>> ListQueuesAsync(CancellationToken ct);

    /// <summary>Removes a queue with its items and labels (the feedback its labels gave stays); false when there was none.</summary>
    Task<bool> DeleteQueueAsync(string name, CancellationToken ct);

    /// <summary>
    /// Adds a stretch's sample (an item already in the queue is left as it is) and moves the queue's
    /// sampler from <paramref name="from"/> to <paramref name="until"/>, in one transaction; false,
    /// with nothing added, when the sampler is no longer at <paramref name="from"/> (another took the stretch).
    /// </summary>
    Task<bool> AddSampleAsync(string queue, long from, long until, IReadOnlyList<LabelItem> items, CancellationToken ct);

    /// <summary>
    /// The next item for a labeller, offered to them until <paramref name="claimUntil"/> (null: only
    /// shown, to someone who cannot label): an open one
    /// the labeller has neither labelled nor skipped, those offered to someone else until after
    /// <paramref name="now"/> last, then those with a label already (so that an item asking for two is
    /// finished), then the oldest added. The offer ends when the labeller answers the item.
    /// </summary>
    Task<LabelledItem?> NextAsync(string queue, string labeller, long now, long? claimUntil, CancellationToken ct);

    Task<LabelledItem?> GetItemAsync(string queue, string predictionId, CancellationToken ct);

    /// <summary>
    /// Records a label or a skip unless the labeller gave one for the item already (then the first
    /// stays: submitting twice changes nothing), and sets the item from its labels by
    /// <paramref name="consolidate"/>, in one transaction. Null when the item is not in the queue.
    /// </summary>
    Task<(LabelledItem Item, bool Added)?> AddLabelAsync(ItemLabel label, Func<LabelledItem, LabelItem> consolidate, CancellationToken ct);

    /// <summary>
    /// Removes the labeller's newest label or skip in the queue and sets its item again by
    /// <paramref name="consolidate"/>, in one transaction; null when there is none. An item a
    /// reviewer decided is a 409: its label is no longer the labeller's to take back.
    /// </summary>
    Task<(LabelledItem Item, ItemLabel Removed)?> UndoAsync(string queue, string labeller, Func<LabelledItem, LabelItem> consolidate, CancellationToken ct);

    /// <summary>A reviewer's final label of an item in review; the same decision again returns the item as it is; an item not in review is a 409.</summary>
    Task<LabelItem> ResolveAsync(string queue, string predictionId, string reviewer, string final, long time, CancellationToken ct);

    /// <summary>A queue's items in a state (null: all) with their labels, oldest added first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LabelledItem>> ItemsAsync(string queue, string? state, int limit, CancellationToken ct);

    /// <summary>Every label and skip in a queue (without the items' rows), by item, oldest first.</summary>
    Task<IReadOnlyList<ItemLabel>> LabelsAsync(string queue, CancellationToken ct);

    /// <summary>
    /// Records that the prediction's feedback was brought in line with the item at
    /// <paramref name="version"/>; false, with nothing changed, when the item has changed since (or is gone).
    /// </summary>
    Task<bool> MarkFedAsync(string queue, string predictionId, long version, CancellationToken ct);

    /// <summary>Items, of every queue, changed since their feedback was last brought in line with them; oldest added first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<LabelItem>> UnfedAsync(int limit, CancellationToken ct);

    /// <summary>Marks an item behind its feedback (a feed that failed, or may have landed after a newer one), for the repair to feed it as it is.</summary>
    Task MarkBehindAsync(string queue, string predictionId, CancellationToken ct);

    /// <summary>Every queue's items per state, and how many have changed since their feedback was last brought in line with them, in one read.</summary>
    Task<IReadOnlyDictionary<string, LabelQueueCounts>> AllCountsAsync(CancellationToken ct);

    /// <summary>How many of a queue's items are in each state.</summary>
    Task<IReadOnlyDictionary<string, long>> CountsAsync(string queue, CancellationToken ct);

    /// <summary>Writes a queue's labels (a row per label, with its item's inputs, prediction and final label) as Parquet; returns the row count.</summary>
    Task<long> ExportAsync(string queue, string path, CancellationToken ct);
}

/// <summary>A queue's items per state, and how many of them are behind their feedback.</summary>
public sealed record LabelQueueCounts(IReadOnlyDictionary<string, long> ByState, long FeedbackBehind);
