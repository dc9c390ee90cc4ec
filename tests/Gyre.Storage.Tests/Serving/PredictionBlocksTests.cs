using Gyre.Core.Serving.Log;
using Gyre.Storage.Serving;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Tests.Serving;

/// <summary>
/// The embedded log's own file: a log written before blocks is moved into them on its first open.
/// (What every backend's tables do is in <see cref="Contract.PredictionLogContract"/>.)
/// </summary>
public sealed class PredictionBlocksTests : IDisposable
{
    private const long Start = 1_700_000_000_000;

    private readonly TempHome _home = new();

    public void Dispose() => _home.Dispose();

    [Fact]
    public async Task ALogWrittenBeforeBlocks_IsMovedIntoThem_WithItsFeedback()
    {
        var path = _home.Home.PredictionLogPath;
        var records = Enumerable.Range(0, 300).Select(i => Record(Start + i * 1_000, "churn-v1")).ToList();
        records[7] = records[7] with { Routing = "shadow" };
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // The tables as Gyre wrote them before blocks.
            command.CommandText = """
                CREATE TABLE predictions (row INTEGER PRIMARY KEY, prediction_id TEXT NOT NULL UNIQUE, endpoint TEXT NOT NULL, variant TEXT NOT NULL,
                    model_name TEXT NOT NULL, model_version INTEGER NOT NULL, time INTEGER NOT NULL, latency_ms REAL NOT NULL, inputs TEXT NOT NULL,
                    outputs TEXT NOT NULL, routing TEXT NOT NULL);
                CREATE INDEX predictions_by_endpoint ON predictions (endpoint, time);
                CREATE TABLE feedback (prediction_id TEXT PRIMARY KEY, actual TEXT NOT NULL, time INTEGER NOT NULL) WITHOUT ROWID;
                """;
            command.ExecuteNonQuery();
            foreach (var r in records)
            {
                command.CommandText = "INSERT INTO predictions (prediction_id, endpoint, variant, model_name, model_version, time, latency_ms, inputs, outputs, routing) "
                    + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
                command.Parameters.Clear();
                object[] values = [r.PredictionId, r.Endpoint, r.Variant, r.ModelName, r.ModelVersion, r.Time, r.LatencyMs, r.Inputs, r.Outputs, r.Routing];
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters.AddWithValue($"${i + 1}", values[i]);
                }
                command.ExecuteNonQuery();
            }
            command.CommandText = "INSERT INTO feedback VALUES ($1, '\"left\"', $2), ($3, '\"stayed\"', $2)";
            command.Parameters.Clear();
            command.Parameters.AddWithValue("$1", records[5].PredictionId);
            command.Parameters.AddWithValue("$2", Start + 999_999);
            command.Parameters.AddWithValue("$3", records[7].PredictionId);
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();

        using var log = PredictionLog.Open(path, TimeProvider.System);

        var (items, _) = await log.QueryAsync("churn", 0, long.MaxValue, 1_000, null, CancellationToken.None);
        Assert.Equal(records, items.Select(i => i.Prediction));
        Assert.Equal(("\"left\"", (long?)(Start + 999_999)), (items[5].Actual, items[5].FeedbackTime));
        var labelled = Assert.Single(await log.LabelledAsync("churn", 0, CancellationToken.None));
        Assert.Equal((records[5].Variant, records[5].Time), (labelled.Variant, labelled.Time));
        var repeat = await log.AddFeedbackAsync("churn", [new Feedback(records[5].PredictionId, "\"x\""), new Feedback(records[6].PredictionId, "\"x\"")], FeedbackSource.Application, CancellationToken.None);
        Assert.Equal((1, 1), (repeat.Accepted, repeat.Duplicates));
        using var check = new SqliteConnection($"Data Source={path}");
        check.Open();
        using var tables = check.CreateCommand();
        tables.CommandText = "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)";
        Assert.Equal("feedback,prediction_blocks", tables.ExecuteScalar());
    }

    private static PredictionRecord Record(long time, string variant) => Contract.PredictionLogContract.Record(time, variant);
}
