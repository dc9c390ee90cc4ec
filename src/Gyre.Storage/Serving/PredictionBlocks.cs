using System.Buffers;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>
/// The log's tables. Predictions are kept in blocks (<see cref="PredictionBlockBuilder"/>): an
/// endpoint's records of one batch, indexed by endpoint and the time of their first record. A
/// prediction is found by its id through the time in it (UUIDv7: its first 48 bits are the
/// prediction's time, which the log checks on append), so there is no index of ids to keep up
/// per record. Feedback is a row per prediction that got it, holding what online metrics read of
/// the prediction (variant, answer, whether it was a shadow copy) beside the actual, so they
/// read feedback alone.
/// </summary>
internal static class PredictionBlocks
{
    /// <summary>A block holds at most this many records, so that finding one prediction reads a few tens of kilobytes…</summary>
    public const int MaxRecords = 256;

    /// <summary>
    /// …whose times are at most this far apart, so that a time's blocks are found in a bounded range
    /// of the index (a batch spans 50 ms unless the writer fell behind). Part of the file's format:
    /// reads with a narrower span would miss blocks written with a wider one, so it changes only
    /// with a migration.
    /// </summary>
    public const long MaxSpanMs = 5_000;

    /// <summary>The tables in the embedded log's own file; on PostgreSQL, migration 13 makes the same ones.</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS prediction_blocks (
            block INTEGER PRIMARY KEY,
            endpoint TEXT NOT NULL,
            first_time INTEGER NOT NULL,
            last_time INTEGER NOT NULL,
            records INTEGER NOT NULL,
            payload BLOB NOT NULL
        );
        -- last_time too, so that the blocks of a time range are told apart in the index alone.
        CREATE INDEX IF NOT EXISTS prediction_blocks_by_endpoint ON prediction_blocks (endpoint, first_time, last_time);
        -- Ground truth, joined by id; the first report of an id is kept, but for a person's label
        -- (source 'human', from label_queue), which the application's report replaces unless it is
        -- pinned; a pinned label keeps the application's report it replaced aside (FeedbackSource).
        CREATE TABLE IF NOT EXISTS feedback (
            prediction_id TEXT PRIMARY KEY,
            endpoint TEXT NOT NULL,
            prediction_time INTEGER NOT NULL,
            variant TEXT NOT NULL,
            outputs TEXT NOT NULL,
            shadow INTEGER NOT NULL,
            actual TEXT NOT NULL,
            time INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'application',
            pinned INTEGER NOT NULL DEFAULT 0,
            label_queue TEXT,
            application_actual TEXT,
            application_time INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS feedback_by_prediction_time ON feedback (endpoint, prediction_time);
        CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (endpoint, time);
        """;

    /// <summary>The feedback columns labelling added, each with its type: a log written before them gets them on its first open.</summary>
    public static IReadOnlyList<(string Column, string Definition)> FeedbackSourceColumns { get; } =
    [
        ("source", "TEXT NOT NULL DEFAULT 'application'"), ("pinned", "INTEGER NOT NULL DEFAULT 0"), ("label_queue", "TEXT"),
        ("application_actual", "TEXT"), ("application_time", "INTEGER"),
    ];

    /// <summary>
    /// An endpoint's blocks that may hold records with time in [<paramref name="from"/>,
    /// <paramref name="until"/>), by their first record's time: no record in a later block is
    /// older than that. Each block's records (length-prefixed, <see cref="EncodedRecords.Enumerator"/>)
    /// are valid until the next block is read.
    /// </summary>
    public static async IAsyncEnumerable<Block> ReadAsync(DbConnection connection, string endpoint, long from, long until, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var command = connection.Command(
            "SELECT first_time, last_time, payload, block FROM prediction_blocks "
            + "WHERE endpoint = @e AND first_time >= @earliest AND first_time < @until AND last_time >= @from ORDER BY first_time, block",
            null, ("@e", endpoint), ("@earliest", SaturatingSubtract(from, MaxSpanMs)), ("@until", until), ("@from", from));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await foreach (var block in BlocksAsync(reader, ct))
        {
            yield return block;
        }
    }

    /// <summary>The endpoint's predictions with these ids, by id; ids it never logged are left out.</summary>
    public static async Task<Dictionary<string, PredictionRecord>> LocateAsync(
        DbConnection connection, SqlDialect dialect, string endpoint, IEnumerable<string> ids, CancellationToken ct)
    {
        var wanted = ids.Where(id => PredictionIds.TimeOf(id) is not null).ToHashSet(StringComparer.Ordinal);
        var found = new Dictionary<string, PredictionRecord>(StringComparer.Ordinal);
        if (wanted.Count == 0)
        {
            return found;
        }
        var times = dialect.List(wanted.Select(id => PredictionIds.TimeOf(id)!.Value).Distinct());
        // A join with the times outside: each is then a range of the index, where a plain IN let
        // SQLite walk all of the endpoint's blocks once per time (1.2 s for 100 ids on 200,000 blocks).
        await using var command = connection.Command(
            "SELECT b.first_time, b.last_time, b.payload, b.block FROM prediction_blocks b WHERE b.block IN ("
            + $"SELECT k.block FROM {dialect.ListTable("@times", "t")} CROSS JOIN prediction_blocks k "
            + "WHERE k.endpoint = @e AND k.first_time BETWEEN t.value - @span AND t.value AND k.last_time >= t.value)",
            null, ("@times", times), ("@e", endpoint), ("@span", MaxSpanMs));
        await using var reader = await command.ExecuteReaderAsync(ct);
        await foreach (var block in BlocksAsync(reader, ct))
        {
            foreach (var payload in new EncodedRecords.Enumerator(block.Records.Span))
            {
                var id = Encoding.UTF8.GetString(PredictionRecordCodec.Key(payload).Id);
                if (wanted.Contains(id) && PredictionRecordCodec.Read(payload) is { } record)
                {
                    found[id] = record;
                }
            }
        }
        return found;
    }

    /// <summary>
    /// Blocks as a reader gives them (first time, last time, payload, and the row's id, with which
    /// SQLite reads the payload in place rather than copying it into an array of its own first),
    /// read into one pooled buffer in turn: a caller must be done with a block before it asks for the next.
    /// </summary>
    private static async IAsyncEnumerable<Block> BlocksAsync(DbDataReader reader, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            while (await reader.ReadAsync(ct))
            {
                int length;
                using (var payload = reader.GetStream(2)) // one blob handle a row
                {
                    length = (int)payload.Length;
                    if (length > buffer.Length)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = null;
                        buffer = ArrayPool<byte>.Shared.Rent(length);
                    }
                    payload.ReadExactly(buffer, 0, length);
                }
                yield return new Block(reader.GetInt64(0), reader.GetInt64(1), buffer.AsMemory(0, length));
            }
        }
        finally
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private static long SaturatingSubtract(long value, long minus) => value < long.MinValue + minus ? long.MinValue : value - minus;

    /// <summary>A block as read: its records' time range and the records, each behind its length.</summary>
    public readonly record struct Block(long First, long Last, ReadOnlyMemory<byte> Records);
}
