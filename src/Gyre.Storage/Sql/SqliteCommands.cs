using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sql;

/// <summary>Short forms for parameterised commands; values are always bound, never spliced into SQL.</summary>
internal static class SqliteCommands
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, SqliteTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    public static async Task<int> ExecuteAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(this SqliteConnection connection, string sql, SqliteTransaction? transaction, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(this SqliteConnection connection, string sql, SqliteTransaction? transaction, Func<SqliteDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    public static string? NullableString(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>A metric value: NULL is how NaN is stored.</summary>
    public static double MetricValue(this SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);

    /// <summary>A JSON array of ids, for <c>IN (SELECT value FROM json_each($ids))</c>.</summary>
    public static string JsonArray(IEnumerable<string> values) => System.Text.Json.JsonSerializer.Serialize(values);
}
