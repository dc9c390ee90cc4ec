using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gyre.Core.Errors;
using Gyre.Storage.Sql.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>How one table compares after a move: its rows on each side and whether their digests match.</summary>
public sealed record MovedTable(string Table, long HomeRows, long DatabaseRows, string HomeDigest, string DatabaseDigest)
{
    public bool Matches => HomeRows == DatabaseRows && HomeDigest == DatabaseDigest;
}

/// <summary>
/// Copies a home's metadata from its SQLite file into an empty PostgreSQL database, in one
/// transaction: an interrupted move leaves the target as empty as it found it, so it can simply run
/// again. The source is only read. The prediction log's tables come from the log's own file, when
/// the home has one. Afterwards every table is compared: row counts, and a SHA-256 over its rows in
/// primary-key order with every value in one canonical form. Files (artifacts, datasets, the log's
/// journal) stay in the home, where a server started with the same home finds them.
/// </summary>
internal static class HomeMove
{
    /// <summary>Every table of the schema, parents before children so that foreign keys hold as rows arrive.</summary>
    public static IReadOnlyList<string> Tables { get; } =
    [
        "experiments", "experiment_tags", "runs", "params", "tags", "metrics", "latest_metrics", "run_inputs",
        "registered_models", "registered_model_tags", "model_versions", "model_version_tags", "model_aliases",
        "api_tokens", "datasets", "dataset_versions", "dataset_splits", "endpoints", "rollouts",
        "pipelines", "pipeline_versions", "pipeline_runs", "step_cache", "file_digests",
        "lineage_artifacts", "lineage_executions", "lineage_events", "monitors", "drift_windows",
        "policies", "policy_firings", "traffic_intervals", "leases", "routing", "variant_totals", "pipeline_jobs", "traffic_by_replica", "feature_groups", "online_features", "label_queues", "label_items", "labels",
    ];

    /// <summary>The prediction log's tables, which the embedded home keeps in the log's own file.</summary>
    public static IReadOnlyList<string> LogTables { get; } = ["prediction_blocks", "feedback"];

    private static IEnumerable<string> AllTables => Tables.Concat(LogTables);

    /// <summary>Moves the metadata (or finds it already moved) and returns the comparison of every table.</summary>
    /// <param name="home">The home's metadata file.</param>
    /// <param name="log">The prediction log's file, or null when the home never logged a prediction.</param>
    /// <param name="target">The database to move into.</param>
    /// <param name="ct">Cancels the move, which then leaves the target as it found it.</param>
    public static async Task<(bool AlreadyMoved, IReadOnlyList<MovedTable> Tables)> RunAsync(SqliteDatabase home, SqliteDatabase? log, PostgresDatabase target, CancellationToken ct)
    {
        var sources = new Sources(home, log);
        var newest = SqliteMigrations.All[^1].Version;
        var homeVersion = await home.SchemaVersionAsync(ct);
        if (homeVersion != newest)
        {
            throw GyreException.Conflict(
                $"the home's database {home.Location} is at schema version {homeVersion}, not this gyre's {newest}: start this gyre on the home once (or run `gyre migrate --home`) first");
        }
        // A log this gyre has opened has blocks and the feedback's source columns (the last one labelling added).
        if (log is not null && !await log.ReadAsync(async c => await c.ScalarAsync(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'prediction_blocks'", null, ct) is 1L
            && await c.ScalarAsync("SELECT count(*) FROM pragma_table_info('feedback') WHERE name = 'application_time'", null, ct) is 1L, ct))
        {
            throw GyreException.Conflict($"the home's prediction log {log.Location} predates this gyre's: start this gyre on the home once first");
        }
        await target.MigrateAsync(ct);
        await using var connection = await target.OpenAsync(ct);
        var columns = await ColumnTypesAsync(connection, ct);
        if (!await IsEmptyAsync(connection, ct))
        {
            var compared = await CompareAsync(sources, connection, columns, ct);
            return compared.All(t => t.Matches)
                ? (true, compared)
                : throw GyreException.Conflict($"the database {target.Location} already holds Gyre data that differs from this home's: move into an empty database");
        }
        await using (var transaction = await connection.BeginTransactionAsync(ct))
        {
            // Migration 1 made the Default experiment and migration 15 the routing version; the home's own take their place.
            await using (var clear = new NpgsqlCommand("DELETE FROM experiments; DELETE FROM routing", connection, transaction))
            {
                await clear.ExecuteNonQueryAsync(ct);
            }
            foreach (var (source, tables) in sources.Files())
            {
                await source.ReadAsync(async reader =>
                {
                    foreach (var table in tables)
                    {
                        await CopyAsync(reader, connection, table, columns[table], ct);
                    }
                    return true;
                }, ct);
            }
            await AdvanceIdentitiesAsync(connection, transaction, ct);
            await transaction.CommitAsync(ct);
        }
        return (false, await CompareAsync(sources, connection, columns, ct));
    }

    private static async Task CopyAsync(DbConnection source, NpgsqlConnection target, string table, IReadOnlyList<(string Name, NpgsqlDbType Type)> columns, CancellationToken ct)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        await using var read = source.CreateCommand();
        read.CommandText = $"SELECT {names} FROM {table}";
        await using var rows = await read.ExecuteReaderAsync(ct);
        await using var writer = await target.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", ct);
        while (await rows.ReadAsync(ct))
        {
            await writer.StartRowAsync(ct);
            for (var i = 0; i < columns.Count; i++)
            {
                if (rows.IsDBNull(i))
                {
                    await writer.WriteNullAsync(ct);
                    continue;
                }
                var value = rows.GetValue(i);
                switch (columns[i].Type)
                {
                    case NpgsqlDbType.Bigint:
                        await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, ct);
                        break;
                    case NpgsqlDbType.Double:
                        await writer.WriteAsync(Convert.ToDouble(value, CultureInfo.InvariantCulture), NpgsqlDbType.Double, ct);
                        break;
                    case NpgsqlDbType.Integer:
                        await writer.WriteAsync(Convert.ToInt32(value, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, ct);
                        break;
                    case NpgsqlDbType.Boolean:
                        // SQLite keeps a boolean as 0 or 1.
                        await writer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, ct);
                        break;
                    case NpgsqlDbType.Bytea:
                        await writer.WriteAsync((byte[])value, NpgsqlDbType.Bytea, ct);
                        break;
                    default:
                        await writer.WriteAsync(Convert.ToString(value, CultureInfo.InvariantCulture)!, NpgsqlDbType.Text, ct);
                        break;
                }
            }
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>Identity columns continue after the largest id copied, so that new rows never take a moved one's id.</summary>
    private static async Task AdvanceIdentitiesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var identities = new List<(string Table, string Column)>();
        await using (var find = new NpgsqlCommand(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND is_identity = 'YES'", connection, transaction))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                identities.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (table, column) in identities)
        {
            await using var advance = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), COALESCE(MAX({column}), 0) + 1, false) FROM {table}", connection, transaction);
            await advance.ExecuteScalarAsync(ct);
        }
    }

    /// <summary>Empty as a fresh migration leaves it: the Default experiment and nothing else.</summary>
    private static async Task<bool> IsEmptyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var counts = string.Join(" + ", AllTables.Select(t => $"(SELECT COUNT(*) FROM {t})"));
        await using var command = new NpgsqlCommand(
            $"SELECT {counts} - (SELECT COUNT(*) FROM experiments WHERE experiment_id = 0 AND name = 'Default') - (SELECT COUNT(*) FROM routing WHERE version = 0)", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) == 0;
    }

    private static async Task<IReadOnlyList<MovedTable>> CompareAsync(Sources sources, NpgsqlConnection target,
        IReadOnlyDictionary<string, IReadOnlyList<(string Name, NpgsqlDbType Type)>> columns, CancellationToken ct)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var (source, tables) in sources.Files())
        {
            foreach (var (table, key) in await source.ReadAsync(async c => await PrimaryKeysAsync(c, tables, ct), ct))
            {
                keys[table] = key;
            }
        }
        var result = new List<MovedTable>();
        foreach (var table in AllTables)
        {
            // A home that never logged has no log file: its log tables are empty, ordered by the same keys as the database's.
            var order = keys.TryGetValue(table, out var key) ? key : [columns[table][0].Name];
            var sql = $"SELECT {string.Join(", ", columns[table].Select(c => c.Name))} FROM {table} ORDER BY {string.Join(", ", order)}";
            var (homeRows, homeDigest) = sources.For(table) is { } source
                ? await source.ReadAsync(c => DigestAsync(c, sql, columns[table], ct), ct)
                : (0, Digest(IncrementalHash.CreateHash(HashAlgorithmName.SHA256)));
            var (databaseRows, databaseDigest) = await DigestAsync(target, sql, columns[table], ct);
            result.Add(new MovedTable(table, homeRows, databaseRows, homeDigest, databaseDigest));
        }
        return result;
    }

    /// <summary>The row count and a SHA-256 of the rows, each value written the same way whichever database it came from.</summary>
    private static async Task<(long Rows, string Digest)> DigestAsync(DbConnection connection, string sql, IReadOnlyList<(string Name, NpgsqlDbType Type)> columns, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long rows = 0;
        var line = new StringBuilder();
        while (await reader.ReadAsync(ct))
        {
            rows++;
            line.Clear();
            for (var i = 0; i < columns.Count; i++)
            {
                line.Append(reader.IsDBNull(i) ? "n" : columns[i].Type switch
                {
                    NpgsqlDbType.Bigint => "i" + Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                    NpgsqlDbType.Double => "d" + Convert.ToDouble(reader.GetValue(i), CultureInfo.InvariantCulture).ToString("R", CultureInfo.InvariantCulture),
                    NpgsqlDbType.Integer => "i" + Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
                    NpgsqlDbType.Boolean => Convert.ToBoolean(reader.GetValue(i), CultureInfo.InvariantCulture) ? "t" : "f",
                    NpgsqlDbType.Bytea => "b" + Convert.ToBase64String((byte[])reader.GetValue(i)),
                    _ => "s" + Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture),
                }).Append('\u001f');
            }
            hash.AppendData(Encoding.UTF8.GetBytes(line.Append('\u001e').ToString()));
        }
        return (rows, Digest(hash));
    }

    private static async Task<Dictionary<string, IReadOnlyList<(string Name, NpgsqlDbType Type)>>> ColumnTypesAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var columns = AllTables.ToDictionary(t => t, _ => new List<(string, NpgsqlDbType)>());
        await using var command = new NpgsqlCommand(
            "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (columns.TryGetValue(reader.GetString(0), out var list))
            {
                list.Add((reader.GetString(1), reader.GetString(2) switch
                {
                    "bigint" => NpgsqlDbType.Bigint,
                    "double precision" => NpgsqlDbType.Double,
                    "integer" => NpgsqlDbType.Integer,
                    "boolean" => NpgsqlDbType.Boolean,
                    "bytea" => NpgsqlDbType.Bytea,
                    _ => NpgsqlDbType.Text,
                }));
            }
        }
        return columns.ToDictionary(c => c.Key, c => (IReadOnlyList<(string, NpgsqlDbType)>)c.Value);
    }

    private static string Digest(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    private static async Task<Dictionary<string, IReadOnlyList<string>>> PrimaryKeysAsync(DbConnection home, IEnumerable<string> tables, CancellationToken ct)
    {
        var keys = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var table in tables)
        {
            await using var command = home.CreateCommand();
            command.CommandText = $"SELECT name FROM pragma_table_info('{table}') WHERE pk > 0 ORDER BY pk";
            await using var reader = await command.ExecuteReaderAsync(ct);
            var columns = new List<string>();
            while (await reader.ReadAsync(ct))
            {
                columns.Add(reader.GetString(0));
            }
            keys[table] = columns.Count > 0 ? columns : throw new InvalidOperationException($"table {table} has no primary key to compare in order");
        }
        return keys;
    }

    /// <summary>The home's two files: its metadata, and the prediction log's (absent when it never logged).</summary>
    private sealed record Sources(SqliteDatabase Home, SqliteDatabase? Log)
    {
        public SqliteDatabase? For(string table) => LogTables.Contains(table) ? Log : Home;

        /// <summary>Each file there is, with the tables it holds.</summary>
        public IEnumerable<(SqliteDatabase Source, IReadOnlyList<string> Tables)> Files() =>
            Log is null ? [(Home, Tables)] : [(Home, Tables), (Log, LogTables)];
    }
}
