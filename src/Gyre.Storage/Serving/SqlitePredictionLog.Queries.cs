using System.Globalization;
using DuckDB.NET.Data;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Serving;

/// <summary>Feedback, queries and export: each on its own connection, beside the writer (WAL lets them read while it writes).</summary>
public sealed partial class SqlitePredictionLog
{
    private const string PredictionColumns = "p.prediction_id, p.endpoint, p.variant, p.model_name, p.model_version, p.time, p.latency_ms, p.inputs, p.outputs, p.routing, f.actual, f.time";

    public async Task<FeedbackResult> AddFeedbackAsync(string endpoint, IReadOnlyList<Feedback> feedback, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(ct);
        var ids = SqliteCommands.JsonArray(feedback.Select(f => f.PredictionId).Distinct());
        var known = await connection.QueryAsync(
            "SELECT p.prediction_id, f.prediction_id IS NOT NULL FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.prediction_id "
            + "WHERE p.endpoint = $e AND p.prediction_id IN (SELECT value FROM json_each($ids))",
            transaction, r => (Id: r.GetString(0), Answered: r.GetBoolean(1)), ct, ("$e", endpoint), ("$ids", ids));
        var answered = known.Where(k => k.Answered).Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
        var open = known.Where(k => !k.Answered).Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        int accepted = 0, duplicates = 0;
        var unknown = new List<string>();
        foreach (var item in feedback)
        {
            if (open.Remove(item.PredictionId))
            {
                await connection.ExecuteAsync("INSERT INTO feedback (prediction_id, actual, time) VALUES ($id, $a, $t)", transaction, ct,
                    ("$id", item.PredictionId), ("$a", item.Actual), ("$t", now));
                answered.Add(item.PredictionId);
                accepted++;
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
    }

    public async Task<(IReadOnlyList<LoggedPrediction> Items, string? NextPageToken)> QueryAsync(
        string endpoint, long since, long until, int maxResults, string? pageToken, CancellationToken ct)
    {
        var (afterTime, afterId) = ParseToken(pageToken);
        await using var connection = await OpenReaderAsync(ct);
        var rows = await connection.QueryAsync(
            $"SELECT {PredictionColumns} FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.prediction_id "
            + "WHERE p.endpoint = $e AND p.time >= $since AND p.time < $until AND (p.time, p.prediction_id) > ($at, $aid) "
            + "ORDER BY p.time, p.prediction_id LIMIT $n",
            null, Map, ct, ("$e", endpoint), ("$since", since), ("$until", until), ("$at", afterTime), ("$aid", afterId), ("$n", maxResults + 1));
        if (rows.Count <= maxResults)
        {
            return (rows, null);
        }
        var last = rows[maxResults - 1].Prediction;
        return (rows.Take(maxResults).ToList(), $"{Text(last.Time)}:{last.PredictionId}");
    }

    public async Task<IReadOnlyList<LabelledPrediction>> LabelledAsync(string endpoint, long since, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        return await connection.QueryAsync(
            "SELECT p.variant, p.outputs, f.actual, p.time FROM predictions p JOIN feedback f ON f.prediction_id = p.prediction_id "
            + "WHERE p.endpoint = $e AND p.time >= $since AND p.routing <> 'shadow'",
            null, r => new LabelledPrediction(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3)), ct, ("$e", endpoint), ("$since", since));
    }

    public async Task<IReadOnlyList<(long Window, string Variant, long Predictions)>> CountByWindowAsync(string endpoint, long since, long windowMs, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        return await connection.QueryAsync(
            "SELECT (time - $since) / $w AS k, variant, count(*) FROM predictions WHERE endpoint = $e AND time >= $since AND routing <> 'shadow' GROUP BY k, variant ORDER BY k, variant",
            null, r => (r.GetInt64(0), r.GetString(1), r.GetInt64(2)), ct, ("$e", endpoint), ("$since", since), ("$w", windowMs));
    }

    public async Task<long> CountFeedbackAsync(string endpoint, long since, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        return Convert.ToInt64(await connection.ScalarAsync(
            "SELECT count(*) FROM feedback f JOIN predictions p ON p.prediction_id = f.prediction_id "
            + "WHERE p.endpoint = $e AND f.time >= $since AND p.routing <> 'shadow'", null, ct, ("$e", endpoint), ("$since", since)), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<long> ExportParquetAsync(string endpoint, long since, long until, string path, CancellationToken ct)
    {
        await using var connection = await OpenReaderAsync(ct);
        await using var command = connection.Command(
            $"SELECT {PredictionColumns} FROM predictions p LEFT JOIN feedback f ON f.prediction_id = p.prediction_id "
            + "WHERE p.endpoint = $e AND p.time >= $since AND p.time < $until ORDER BY p.time, p.prediction_id",
            null, ("$e", endpoint), ("$since", since), ("$until", until));
        await using var reader = await command.ExecuteReaderAsync(ct);
        using var duck = new DuckDBConnection("DataSource=:memory:");
        duck.Open();
        using (var create = duck.CreateCommand())
        {
            create.CommandText = """
                SET TimeZone = 'UTC';
                CREATE TABLE predictions (prediction_id VARCHAR, endpoint VARCHAR, variant VARCHAR, model_name VARCHAR, model_version BIGINT,
                    time TIMESTAMPTZ, latency_ms DOUBLE, inputs JSON, outputs JSON, routing VARCHAR, actual JSON, feedback_time TIMESTAMPTZ)
                """;
            create.ExecuteNonQuery();
        }
        long rows = 0;
        using (var appender = duck.CreateAppender("predictions"))
        {
            while (await reader.ReadAsync(ct))
            {
                var row = appender.CreateRow()
                    .AppendValue(reader.GetString(0)).AppendValue(reader.GetString(1)).AppendValue(reader.GetString(2)).AppendValue(reader.GetString(3))
                    .AppendValue(reader.GetInt64(4)).AppendValue(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)))
                    .AppendValue(reader.GetDouble(6)).AppendValue(reader.GetString(7)).AppendValue(reader.GetString(8)).AppendValue(reader.GetString(9));
                row = reader.IsDBNull(10) ? row.AppendNullValue().AppendNullValue()
                    : row.AppendValue(reader.GetString(10)).AppendValue(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(11)));
                row.EndRow();
                rows++;
            }
        }
        using var copy = duck.CreateCommand();
        copy.CommandText = $"COPY predictions TO '{path.Replace("'", "''", StringComparison.Ordinal)}' (FORMAT parquet)";
        copy.ExecuteNonQuery();
        return rows;
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

    private static LoggedPrediction Map(SqliteDataReader r) => new(
        new PredictionRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4), r.GetInt64(5), r.GetDouble(6),
            r.GetString(7), r.GetString(8), r.GetString(9)),
        r.NullableString(10), r.NullableInt64(11));
}
