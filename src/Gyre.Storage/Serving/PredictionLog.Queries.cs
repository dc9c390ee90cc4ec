using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using DuckDB.NET.Data;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>Feedback, queries and export: each on a connection of its own, beside the table writer.</summary>
public sealed partial class PredictionLog
{
    /// <summary>Runs a query once every answered prediction is in the tables; the tables out of reach are a 503.</summary>
    private async Task<T> OnTablesAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct)
    {
        try
        {
            await using var connection = await OpenReaderAsync(ct);
            return await work(connection);
        }
        catch (Exception e) when (e is not GyreException && _tables.Unavailable(e) is { } error)
        {
            throw error;
        }
    }

    /// <summary>
    /// Finds the predictions first, outside any write (reading blocks takes a while for a large
    /// batch, and a write transaction would hold the table writer off meanwhile), then stores the
    /// new feedback in one transaction. A report that another call stored in between counts as a
    /// duplicate: the first one is kept, unless <paramref name="source"/> replaces it (a person's
    /// label gives way to the application's feedback; see <see cref="FeedbackSource"/>).
    /// </summary>
    public Task<FeedbackResult> AddFeedbackAsync(string endpoint, IReadOnlyList<Feedback> feedback, FeedbackSource source, CancellationToken ct) =>
        OnTablesAsync(async connection =>
        {
            var dialect = _tables.Dialect;
            var ids = feedback.Select(f => f.PredictionId).Distinct(StringComparer.Ordinal).ToList();
            // Reports this source does not replace are final: those ids need no looking up.
            var answered = (await connection.QueryAsync(
                $"SELECT prediction_id FROM feedback WHERE endpoint = @e AND {dialect.InList("prediction_id", "@ids")} AND NOT ({FeedbackUpserts.Replaces(source)})",
                null, r => r.GetString(0), ct, ("@e", endpoint), ("@ids", dialect.List(ids)))).ToHashSet(StringComparer.Ordinal);
            var open = await PredictionBlocks.LocateAsync(connection, dialect, endpoint, ids.Where(id => !answered.Contains(id)), ct);
            var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
            int accepted = 0, duplicates = 0;
            var unknown = new List<string>();
            await using var transaction = await connection.BeginTransactionAsync(ct);
            foreach (var item in feedback)
            {
                if (open.Remove(item.PredictionId, out var prediction))
                {
                    var stored = await connection.ExecuteAsync(FeedbackUpserts.Sql(source),
                        transaction, ct, ("@id", item.PredictionId), ("@e", endpoint), ("@pt", prediction.Time), ("@v", prediction.Variant),
                        ("@o", prediction.Outputs), ("@s", prediction.Routing == Routings.Shadow), ("@a", item.Actual), ("@t", now),
                        ("@source", source.Name), ("@pinned", source.Pinned), ("@queue", source.Queue));
                    answered.Add(item.PredictionId);
                    accepted += stored;
                    duplicates += 1 - stored;
                }
                else if (answered.Contains(item.PredictionId))
                {
                    duplicates++;
                }
                else
                {
                    unknown.Add(item.PredictionId);
                }
            }
            await transaction.CommitAsync(ct);
            return new FeedbackResult(accepted, duplicates, unknown);
        }, ct);

    public Task<bool> RemoveHumanFeedbackAsync(string endpoint, string predictionId, string queue, CancellationToken ct) =>
        OnTablesAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            var changed = await connection.ExecuteAsync(FeedbackUpserts.Restore, transaction, ct, ("@e", endpoint), ("@id", predictionId), ("@q", queue))
                + await connection.ExecuteAsync(FeedbackUpserts.Remove, transaction, ct, ("@e", endpoint), ("@id", predictionId), ("@q", queue));
            await transaction.CommitAsync(ct);
            return changed > 0;
        }, ct);

    public Task<(IReadOnlyList<LoggedPrediction> Items, string? NextPageToken)> QueryAsync(
        string endpoint, long since, long until, int maxResults, string? pageToken, CancellationToken ct)
    {
        var after = ParseToken(pageToken);
        return OnTablesAsync<(IReadOnlyList<LoggedPrediction> Items, string? NextPageToken)>(async connection =>
        {
            // Blocks come by their first record's time, and their records nearly in order: keep the
            // first maxResults + 1 seen so far, until a block starts later than the last one kept.
            var page = new List<PredictionRecord>(maxResults + 1);
            await foreach (var block in PredictionBlocks.ReadAsync(connection, endpoint, Math.Max(since, after.Time), until, ct))
            {
                if (page.Count > maxResults && block.First > page[maxResults].Time)
                {
                    break;
                }
                foreach (var payload in new EncodedRecords.Enumerator(block.Records.Span))
                {
                    var record = PredictionRecordCodec.Read(payload)!;
                    if (record.Time >= since && record.Time < until && ComparePosition(record.Time, record.PredictionId, after) > 0)
                    {
                        page.Add(record);
                    }
                }
                if (page.Count > maxResults)
                {
                    // Sorted (and cut) only once there is more than a page: the stop test reads the last one kept.
                    page.Sort(ByPosition);
                    page.RemoveRange(maxResults + 1, page.Count - maxResults - 1);
                }
            }
            page.Sort(ByPosition);
            var labels = (await connection.QueryAsync(
                $"SELECT prediction_id, actual, time, source FROM feedback WHERE {_tables.Dialect.InList("prediction_id", "@ids")}",
                null, r => (Id: r.GetString(0), Actual: r.GetString(1), Time: r.GetInt64(2), Source: r.GetString(3)), ct, ("@ids", _tables.Dialect.List(page.Select(p => p.PredictionId)))))
                .ToDictionary(l => l.Id, StringComparer.Ordinal);
            var items = page.Take(maxResults)
                .Select(p => labels.TryGetValue(p.PredictionId, out var l) ? new LoggedPrediction(p, l.Actual, l.Time, l.Source) : new LoggedPrediction(p, null, null))
                .ToList();
            if (page.Count <= maxResults)
            {
                return (items, null);
            }
            var last = page[maxResults - 1];
            return (items, $"{Text(last.Time)}:{last.PredictionId}");
        }, ct);
    }

    /// <summary>Blocks come by their oldest record's time (<see cref="PredictionBlocks.ReadAsync"/>): that time is each batch's floor.</summary>
    public async IAsyncEnumerable<PredictionBatch> ReadAsync(string endpoint, long since, long until, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await foreach (var block in PredictionBlocks.ReadAsync(connection, endpoint, since, until, ct))
        {
            // Decoded before the next block is read, which reuses the block's buffer.
            yield return new PredictionBatch(block.First, Decode(block, since, until));
        }
    }

    private static List<PredictionRecord> Decode(PredictionBlocks.Block block, long since, long until)
    {
        var records = new List<PredictionRecord>();
        foreach (var payload in new EncodedRecords.Enumerator(block.Records.Span))
        {
            var record = PredictionRecordCodec.Read(payload)!;
            if (record.Time >= since && record.Time < until)
            {
                records.Add(record);
            }
        }
        return records;
    }

    public Task<IReadOnlyList<LabelledPrediction>> LabelledAsync(string endpoint, long since, CancellationToken ct) =>
        OnTablesAsync<IReadOnlyList<LabelledPrediction>>(async connection =>
        {
            return await connection.QueryAsync(
                "SELECT variant, outputs, actual, prediction_time FROM feedback WHERE endpoint = @e AND prediction_time >= @since AND NOT shadow",
                null, r => new LabelledPrediction(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)), ct, ("@e", endpoint), ("@since", since));
        }, ct);

    public Task<IReadOnlyList<(long Window, string Variant, long Predictions)>> CountByWindowAsync(string endpoint, long since, long windowMs, CancellationToken ct) =>
        OnTablesAsync<IReadOnlyList<(long Window, string Variant, long Predictions)>>(async connection =>
        {
            var counts = new Dictionary<(long Window, string Variant), long>();
            var variant = "";
            var variantUtf8 = Array.Empty<byte>();
            await foreach (var block in PredictionBlocks.ReadAsync(connection, endpoint, since, long.MaxValue, ct))
            {
                foreach (var payload in new EncodedRecords.Enumerator(block.Records.Span))
                {
                    // Inputs and outputs skipped, and the variant's name made a string only when it changes.
                    var record = PredictionRecordCodec.Key(payload);
                    if (record.Time >= since && !record.Routing.SequenceEqual(Routings.ShadowUtf8))
                    {
                        if (!record.Variant.SequenceEqual(variantUtf8))
                        {
                            (variantUtf8, variant) = (record.Variant.ToArray(), Encoding.UTF8.GetString(record.Variant));
                        }
                        var key = ((record.Time - since) / windowMs, variant);
                        counts[key] = counts.GetValueOrDefault(key) + 1;
                    }
                }
            }
            return counts.OrderBy(c => c.Key.Window).ThenBy(c => c.Key.Variant, StringComparer.Ordinal).Select(c => (c.Key.Window, c.Key.Variant, c.Value)).ToList();
        }, ct);

    public Task<long> CountFeedbackAsync(string endpoint, long since, CancellationToken ct) =>
        OnTablesAsync(async connection =>
        {
            return Convert.ToInt64(await connection.ScalarAsync(
                "SELECT count(*) FROM feedback WHERE endpoint = @e AND time >= @since AND NOT shadow", null, ct, ("@e", endpoint), ("@since", since)),
                CultureInfo.InvariantCulture);
        }, ct);

    public Task<long> ExportParquetAsync(string endpoint, long since, long until, string path, CancellationToken ct) =>
        OnTablesAsync(async connection =>
        {
            using var duck = new DuckDBConnection("DataSource=:memory:");
            duck.Open();
            using (var create = duck.CreateCommand())
            {
                create.CommandText = """
                    SET TimeZone = 'UTC';
                    CREATE TABLE predictions (prediction_id VARCHAR, endpoint VARCHAR, variant VARCHAR, model_name VARCHAR, model_version BIGINT,
                        time TIMESTAMPTZ, latency_ms DOUBLE, inputs JSON, outputs JSON, routing VARCHAR);
                    CREATE TABLE feedback (prediction_id VARCHAR, actual JSON, feedback_time TIMESTAMPTZ, feedback_source VARCHAR);
                    """;
                create.ExecuteNonQuery();
            }
            long rows = 0;
            using (var appender = duck.CreateAppender("predictions"))
            {
                await foreach (var block in PredictionBlocks.ReadAsync(connection, endpoint, since, until, ct))
                {
                    foreach (var payload in new EncodedRecords.Enumerator(block.Records.Span))
                    {
                        var p = PredictionRecordCodec.Read(payload)!;
                        if (p.Time >= since && p.Time < until)
                        {
                            appender.CreateRow().AppendValue(p.PredictionId).AppendValue(p.Endpoint).AppendValue(p.Variant).AppendValue(p.ModelName)
                                .AppendValue(p.ModelVersion).AppendValue(DateTimeOffset.FromUnixTimeMilliseconds(p.Time)).AppendValue(p.LatencyMs)
                                .AppendValue(p.Inputs).AppendValue(p.Outputs).AppendValue(p.Routing).EndRow();
                            rows++;
                        }
                    }
                }
            }
            await using (var labels = connection.Command(
                "SELECT prediction_id, actual, time, source FROM feedback WHERE endpoint = @e AND prediction_time >= @since AND prediction_time < @until",
                null, ("@e", endpoint), ("@since", since), ("@until", until)))
            await using (var reader = await labels.ExecuteReaderAsync(ct))
            using (var appender = duck.CreateAppender("feedback"))
            {
                while (await reader.ReadAsync(ct))
                {
                    appender.CreateRow().AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1))
                        .AppendValue(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2))).AppendValue(reader.GetString(3)).EndRow();
                }
            }
            using var copy = duck.CreateCommand();
            copy.CommandText = "COPY (SELECT p.*, f.actual, f.feedback_time, f.feedback_source FROM predictions p LEFT JOIN feedback f USING (prediction_id) ORDER BY p.time, p.prediction_id) "
                + $"TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
            copy.ExecuteNonQuery();
            return rows;
        }, ct);

    private static int ByPosition(PredictionRecord a, PredictionRecord b) => ComparePosition(a.Time, a.PredictionId, (b.Time, b.PredictionId));

    /// <summary>Orders predictions as queries page through them: by time, then id.</summary>
    private static int ComparePosition(long time, string id, (long Time, string Id) other)
    {
        var byTime = time.CompareTo(other.Time);
        return byTime != 0 ? byTime : string.CompareOrdinal(id, other.Id);
    }

    private static (long Time, string Id) ParseToken(string? token)
    {
        if (token is null)
        {
            return (long.MinValue, "");
        }
        var colon = token.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(token.AsSpan(0, colon), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var time)
            ? (time, token[(colon + 1)..])
            : throw GyreException.Invalid($"page_token: '{token}' is not a token this call returned");
    }
}
