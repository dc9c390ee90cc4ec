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

    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

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

    public static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
