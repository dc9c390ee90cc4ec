using System.Data.Common;
using System.Globalization;
using DuckDB.NET.Data;

namespace Gyre.Storage.Data;

/// <summary>
/// Small helpers for the SQL Gyre sends to DuckDB. Table functions take their file paths as
/// literals and column names come from files: both are always quoted here, never spliced raw.
/// </summary>
internal static class DuckDbSql
{
    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A double as DuckDB SQL; the non-finite ones as typed literals, not as bare words.</summary>
    public static string Number(double value) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : $"'{value.ToString(CultureInfo.InvariantCulture)}'::DOUBLE";

    public static List<T> Query<T>(DuckDBConnection connection, string sql, Func<DbDataReader, T> map)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    /// <summary>
    /// An in-memory DuckDB spilling to a folder of its own, removed on dispose: instances that
    /// shared one folder would delete each other's spill files when they close. Cancelling
    /// <paramref name="ct"/> interrupts the query running on it (a client gone mid-profile frees the cores).
    /// </summary>
    public static SpillingConnection Open(string spillRoot, CancellationToken ct)
    {
        var folder = Directory.CreateDirectory(Path.Combine(spillRoot, Guid.NewGuid().ToString("N"))).FullName;
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        Execute(connection, $"SET temp_directory = {Literal(folder)}");
        // Times with a zone compare in UTC, whatever the machine's zone: a split's cut-off means the same everywhere.
        Execute(connection, "SET TimeZone = 'UTC'");
        // DuckDB would take 80 % of the machine per instance; a quarter leaves room for the server
        // and for a second upload, and DuckDB spills to the folder past it.
        Execute(connection, $"SET memory_limit = '{Math.Max(256, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 4 / (1 << 20))}MB'");
        return new SpillingConnection(connection, folder, ct);
    }

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
