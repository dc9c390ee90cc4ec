using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sql.Sqlite;

/// <summary>
/// Brings a database up to the newest schema. Safe when several processes start on the same
/// file at once: the check and the changes run in one <c>BEGIN IMMEDIATE</c> transaction, so
/// one process migrates while the others wait and then find nothing left to do.
/// </summary>
internal static class SqliteMigrator
{
    public static async Task<int> MigrateAsync(SqliteDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL;", ct);
        await using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL);", ct);
        var current = await CurrentVersionAsync(connection, transaction, ct);
        var newest = SqliteMigrations.All[^1].Version;
        if (current > newest)
        {
            throw new Gyre.Core.Errors.GyreException(Gyre.Core.Errors.ErrorCode.Conflict,
                $"the database {database.Path} has schema version {current}, newer than this gyre knows ({newest}): upgrade gyre");
        }
        foreach (var migration in SqliteMigrations.All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, transaction, migration.Sql, ct);
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_migrations (version, name, applied_time) VALUES ($v, $n, $t)";
            record.Parameters.AddWithValue("$v", migration.Version);
            record.Parameters.AddWithValue("$n", migration.Name);
            record.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(ct);
        }
        transaction.Commit();
        return newest;
    }

    /// <summary>The version the file's schema is at; 0 for a new file.</summary>
    public static async Task<int> SchemaVersionAsync(SqliteDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var exists = connection.CreateCommand();
        exists.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }
        await using var transaction = connection.BeginTransaction(deferred: true);
        return await CurrentVersionAsync(connection, transaction, ct);
    }

    private static async Task<int> CurrentVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction? transaction, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
