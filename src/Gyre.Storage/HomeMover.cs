using Gyre.Core.Errors;
using Gyre.Storage.Sql.Postgres;
using Gyre.Storage.Sql.Sqlite;

namespace Gyre.Storage;

/// <summary>Moves a home's metadata off its SQLite file into a PostgreSQL database (<c>gyre home move</c>).</summary>
public static class HomeMover
{
    /// <summary>
    /// Copies the home's metadata into <paramref name="target"/>, which must be empty (or already hold
    /// exactly this home's metadata, when a finished move runs again), and compares every table.
    /// The home is only read.
    /// </summary>
    public static async Task<(bool AlreadyMoved, IReadOnlyList<MovedTable> Tables)> MoveAsync(GyreHome home, DatabaseOptions target, CancellationToken ct)
    {
        if (target.IsEmbedded)
        {
            throw GyreException.Invalid("--to: expected the PostgreSQL database to move into, postgresql://USER@HOST:PORT/DATABASE");
        }
        if (!File.Exists(home.DatabasePath))
        {
            throw GyreException.NotFound($"--home: no Gyre home at {home.Root} (its database {home.DatabasePath} does not exist)");
        }
        using var source = new SqliteDatabase(home.DatabasePath);
        using var log = File.Exists(home.PredictionLogPath) ? new SqliteDatabase(home.PredictionLogPath) : null;
        using var database = (PostgresDatabase)target.Open(home).Database;
        return await HomeMove.RunAsync(source, log, database, ct);
    }
}
