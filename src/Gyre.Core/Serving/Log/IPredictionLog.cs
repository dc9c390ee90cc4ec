namespace Gyre.Core.Serving.Log;

/// <summary>
/// The prediction log and its feedback. <see cref="AppendAsync"/> in durable mode completes only
/// once the records are on disk; in fast mode it completes at once and the records are written in
/// the background, or dropped (and counted) when the queue is full. An append cannot be cancelled:
/// records handed to the log are written whether or not their caller still waits, and a durable
/// wait ends with the sync that holds them, within milliseconds.
/// </summary>
public interface IPredictionLog
{
    ValueTask AppendAsync(IReadOnlyList<PredictionRecord> records, bool durable);

    /// <summary>Records queued in fast mode and not yet written.</summary>
    long QueueDepth { get; }

    /// <summary>Records dropped in fast mode because the queue was full, since start.</summary>
    long Dropped { get; }

    /// <summary>
    /// Raised on one of the log's writer threads each time a group of durable records is on disk,
    /// before that writer takes its next group (writers may raise it at the same time): a handler
    /// must be quick and thread-safe, and what it throws is ignored.
    /// </summary>
    event Action<DurableSync>? DurableSynced;

    /// <summary>Joins ground truth to an endpoint's logged predictions, as reported by <paramref name="source"/> (see <see cref="FeedbackSource"/> for which report wins).</summary>
    Task<FeedbackResult> AddFeedbackAsync(string endpoint, IReadOnlyList<Feedback> feedback, FeedbackSource source, CancellationToken ct);

    /// <summary>
    /// Takes back the label a queue's people gave a prediction (a labeller's undo): the application's
    /// report it had replaced, if any, is the actual again; the application's feedback is never
    /// removed, nor another queue's label. False when there was nothing to take back.
    /// </summary>
    Task<bool> RemoveHumanFeedbackAsync(string endpoint, string predictionId, string queue, CancellationToken ct);

    /// <summary>An endpoint's predictions with time in [since, until), oldest first, after the page token.</summary>
    Task<(IReadOnlyList<LoggedPrediction> Items, string? NextPageToken)> QueryAsync(
        string endpoint, long since, long until, int maxResults, string? pageToken, CancellationToken ct);

    /// <summary>
    /// An endpoint's predictions with time in [since, until) as they are stored, a batch per block,
    /// without their feedback, for readers that go through everything (the labelling sampler): in no
    /// particular order within a batch, but no prediction of this or a later batch is older than
    /// the batch's <see cref="PredictionBatch.Floor"/>. Cheaper than pages of <see cref="QueryAsync"/>, which sort.
    /// </summary>
    IAsyncEnumerable<PredictionBatch> ReadAsync(string endpoint, long since, long until, CancellationToken ct);

    /// <summary>An endpoint's predictions since a time that have feedback: the variant, the answer and the actual (both JSON), for online metrics.</summary>
    Task<IReadOnlyList<LabelledPrediction>> LabelledAsync(string endpoint, long since, CancellationToken ct);

    /// <summary>An endpoint's predictions (shadow copies left out) per variant in windows of <paramref name="windowMs"/> from <paramref name="since"/>: window k is [since + k·w, since + (k+1)·w).</summary>
    Task<IReadOnlyList<(long Window, string Variant, long Predictions)>> CountByWindowAsync(string endpoint, long since, long windowMs, CancellationToken ct);

    /// <summary>How many of an endpoint's predictions got their feedback at or after <paramref name="since"/> (shadow copies left out).</summary>
    Task<long> CountFeedbackAsync(string endpoint, long since, CancellationToken ct);

    /// <summary>Writes an endpoint's predictions with time in [since, until) and their feedback as a Parquet file; returns the row count.</summary>
    Task<long> ExportParquetAsync(string endpoint, long since, long until, string path, CancellationToken ct);
}
