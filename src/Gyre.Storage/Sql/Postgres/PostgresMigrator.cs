using System.Globalization;
using Gyre.Core.Errors;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>
/// Brings a PostgreSQL database up to the newest schema. Safe when many processes migrate at once:
/// the check and the changes run in one transaction behind a transaction-scoped advisory lock, so
/// one process migrates while the others wait and then find nothing left to do. Not a session lock:
/// those break behind PgBouncer's transaction pooling (pgbouncer#617).
/// </summary>
internal static class PostgresMigrator
{
    /// <summary>The advisory lock's key: "gyre" and "migrate" in ASCII, so that nobody else's lock collides with it.</summary>
    private const long LockKey = 0x6779726500_6d6967;

    public static async Task<int> MigrateAsync(PostgresDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await ExecuteAsync(connection, $"SELECT pg_advisory_xact_lock({LockKey})", ct);
        await ExecuteAsync(connection,
            "CREATE TABLE IF NOT EXISTS schema_migrations (version bigint PRIMARY KEY, name text NOT NULL, applied_time bigint NOT NULL)", ct);
        var current = await CurrentVersionAsync(connection, ct);
        var newest = PostgresMigrations.All[^1].Version;
        if (current > newest)
        {
            throw new GyreException(ErrorCode.Conflict,
                $"the database {database.Location} has schema version {current}, newer than this gyre knows ({newest}): upgrade gyre");
        }
        foreach (var migration in PostgresMigrations.All.Where(m => m.Version > current))
        {
            await ExecuteAsync(connection, migration.Sql, ct);
            await using var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_time) VALUES (@v, @n, @t)", connection);
            record.Parameters.AddWithValue("v", (long)migration.Version);
            record.Parameters.AddWithValue("n", migration.Name);
            record.Parameters.AddWithValue("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(ct);
        }
        await transaction.CommitAsync(ct);
        return newest;
    }

    /// <summary>The version the database's schema is at; 0 for an empty database.</summary>
    public static async Task<int> SchemaVersionAsync(PostgresDatabase database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT to_regclass('schema_migrations') IS NOT NULL", connection);
        return (bool)(await exists.ExecuteScalarAsync(ct))! ? await CurrentVersionAsync(connection, ct) : 0;
    }

    private static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migrations", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
