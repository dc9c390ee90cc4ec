using DuckDB.NET.Data;

namespace Gyre.Bench;

/// <summary>Writes a benchmark's data set with DuckDB: a seeded query copied to a CSV file with a header.</summary>
internal static class GeneratedCsv
{
    public static void Write(string path, double seed, string select)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT setseed({seed.ToString(System.Globalization.CultureInfo.InvariantCulture)}); COPY ({select}) TO '{path}' (HEADER, DELIMITER ',');";
        command.ExecuteNonQuery();
    }
}
