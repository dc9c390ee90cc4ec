using Gyre.Core.Serving.Log;
using Gyre.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Serving;

/// <summary>
/// Moves a log that Gyre wrote before blocks — a row per prediction in <c>predictions</c>, and
/// feedback that held only the id, the actual and its time — into blocks and the feedback table
/// of <see cref="PredictionBlocks"/>, in one transaction on the first open: a stop halfway leaves
/// the old tables as they were. It needs free disk space of about twice the log's size meanwhile
/// (the WAL holds the new blocks until the commit's checkpoint). Then, on every open, adds the
/// feedback columns a log written before labelling queues lacks (<see cref="AddFeedbackSource"/>).
/// </summary>
internal static class PredictionLogUpgrade
{
    public static void Run(SqliteConnection connection)
    {
        using (var exists = connection.Command("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'predictions'"))
        {
            if (Convert.ToInt64(exists.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                return;
            }
        }
        using var transaction = connection.BeginTransaction();
        Execute(connection, transaction, "ALTER TABLE feedback RENAME TO feedback_before_blocks;" + PredictionBlocks.Schema + """
            INSERT INTO feedback (prediction_id, endpoint, prediction_time, variant, outputs, shadow, actual, time)
            SELECT f.prediction_id, p.endpoint, p.time, p.variant, p.outputs, p.routing = 'shadow', f.actual, f.time
            FROM feedback_before_blocks f JOIN predictions p ON p.prediction_id = f.prediction_id;
            """);
        using (var blocks = new SqliteBlockWriter(connection))
        using (var read = connection.Command(
            "SELECT prediction_id, endpoint, variant, model_name, model_version, time, latency_ms, inputs, outputs, routing FROM predictions ORDER BY endpoint, time",
            transaction))
        using (var reader = read.ExecuteReader())
        {
            var buffer = new byte[64 * 1024];
            while (reader.Read())
            {
                var record = new PredictionRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                    reader.GetInt64(5), reader.GetDouble(6), reader.GetString(7), reader.GetString(8), reader.GetString(9));
                var size = PredictionRecordCodec.MaxBytes(record);
                if (size > buffer.Length)
                {
                    buffer = new byte[size];
                }
                blocks.Add(buffer.AsSpan(0, PredictionRecordCodec.Write(buffer, record)));
            }
            blocks.Flush();
        }
        Execute(connection, transaction, "DROP TABLE predictions; DROP TABLE feedback_before_blocks;");
        transaction.Commit();
        // The move went through the WAL, which holds a copy of the whole log now: give that space back.
        using var checkpoint = connection.Command("PRAGMA wal_checkpoint(TRUNCATE)");
        checkpoint.ExecuteNonQuery();
    }

    /// <summary>A log written before labelling queues has feedback without its source: all of it the application's.</summary>
    public static void AddFeedbackSource(SqliteConnection connection)
    {
        foreach (var (column, definition) in PredictionBlocks.FeedbackSourceColumns)
        {
            using var present = connection.Command($"SELECT count(*) FROM pragma_table_info('feedback') WHERE name = '{column}'");
            if (Convert.ToInt64(present.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                using var add = connection.Command($"ALTER TABLE feedback ADD COLUMN {column} {definition}");
                add.ExecuteNonQuery();
            }
        }
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        using var command = connection.Command(sql, transaction);
        command.ExecuteNonQuery();
    }
}
