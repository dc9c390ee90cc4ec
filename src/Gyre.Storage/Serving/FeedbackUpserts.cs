using Gyre.Core.Serving.Log;

namespace Gyre.Storage.Serving;

/// <summary>
/// The feedback table's writes by source, in SQL both SQLite and PostgreSQL run (the same
/// <c>ON CONFLICT … DO UPDATE … WHERE</c>): a row per prediction holds the actual that counts, who
/// reported it and, under a pinned person's label, the application's report kept aside.
/// </summary>
internal static class FeedbackUpserts
{
    private const string Insert = "INSERT INTO feedback (prediction_id, endpoint, prediction_time, variant, outputs, shadow, actual, time, source, pinned, label_queue) "
        + "VALUES (@id, @e, @pt, @v, @o, @s, @a, @t, @source, @pinned, @queue) ON CONFLICT (prediction_id) DO UPDATE SET ";

    /// <summary>
    /// Which stored row a report replaces, as SQL on it. The application's replaces a person's label
    /// that is not pinned, and fills the place kept aside under a pinned one (its first report, as
    /// always). A person's label replaces another unpinned one (a later queue's, a reviewer's); a
    /// pinned one replaces anything.
    /// </summary>
    public static string Replaces(FeedbackSource source) => !source.IsHuman ? "feedback.source = 'human' AND (NOT feedback.pinned OR feedback.application_actual IS NULL)"
        : source.Pinned ? "1 = 1"
        : "feedback.source = 'human' AND NOT feedback.pinned";

    public static string Sql(FeedbackSource source) => source.IsHuman
        ? Insert + """
            application_actual = CASE WHEN feedback.source = 'application' THEN feedback.actual ELSE feedback.application_actual END,
            application_time = CASE WHEN feedback.source = 'application' THEN feedback.time ELSE feedback.application_time END,
            actual = excluded.actual, time = excluded.time, source = excluded.source, pinned = excluded.pinned, label_queue = excluded.label_queue
            """ + $" WHERE ({Replaces(source)}) AND NOT (feedback.source = 'human' AND feedback.actual = excluded.actual "
            + "AND feedback.pinned = excluded.pinned AND feedback.label_queue = excluded.label_queue)" // the same label again changes nothing, not even its time
        : Insert + """
            actual = CASE WHEN feedback.pinned THEN feedback.actual ELSE excluded.actual END,
            time = CASE WHEN feedback.pinned THEN feedback.time ELSE excluded.time END,
            source = CASE WHEN feedback.pinned THEN feedback.source ELSE excluded.source END,
            label_queue = CASE WHEN feedback.pinned THEN feedback.label_queue ELSE NULL END,
            application_actual = CASE WHEN feedback.pinned THEN excluded.actual ELSE NULL END,
            application_time = CASE WHEN feedback.pinned THEN excluded.time ELSE NULL END
            """ + $" WHERE {Replaces(source)}";

    /// <summary>Taking a queue's label back: the application's report it kept aside is the actual again...</summary>
    public const string Restore = "UPDATE feedback SET actual = application_actual, time = application_time, source = 'application', pinned = FALSE, "
        + "label_queue = NULL, application_actual = NULL, application_time = NULL "
        + "WHERE endpoint = @e AND prediction_id = @id AND source = 'human' AND label_queue = @q AND application_actual IS NOT NULL";

    /// <summary>...or, without one, the row goes.</summary>
    public const string Remove = "DELETE FROM feedback WHERE endpoint = @e AND prediction_id = @id AND source = 'human' AND label_queue = @q";
}
