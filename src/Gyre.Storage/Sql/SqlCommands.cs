using System.Data.Common;

namespace Gyre.Storage.Sql;

/// <summary>Short forms for parameterised commands; values are always bound, never spliced into SQL.</summary>
internal static class SqlCommands
{
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Bind(name, value);
        }
        return command;
    }

    /// <summary>Adds one parameter; null is SQL NULL.</summary>
    public static DbParameter Bind(this DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }

    public static async Task<int> ExecuteAsync(this DbConnection connection, string sql, DbTransaction? transaction, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await command.ExecuteNonQueryAsync(ct);
    }

    public static async Task<object?> ScalarAsync(this DbConnection connection, string sql, DbTransaction? transaction, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        var value = await command.ExecuteScalarAsync(ct);
        return value is DBNull ? null : value;
    }

    public static async Task<List<T>> QueryAsync<T>(this DbConnection connection, string sql, DbTransaction? transaction, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        return await RowsAsync(command, map, ct);
    }

    /// <summary>
    /// As <see cref="QueryAsync{T}"/>, with the statement prepared on the connection first. A pooled
    /// PostgreSQL connection keeps what it prepared, so a hot statement is parsed once per connection
    /// and, after a few runs, planned once too: for a statement whose cost is its parse and plan.
    /// </summary>
    public static async Task<List<T>> PreparedQueryAsync<T>(this DbConnection connection, string sql, DbTransaction? transaction, Func<DbDataReader, T> map, CancellationToken ct, params (string, object?)[] parameters)
    {
        await using var command = connection.Command(sql, transaction, parameters);
        await command.PrepareAsync(ct);
        return await RowsAsync(command, map, ct);
    }

    private static async Task<List<T>> RowsAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? NullableInt64(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    /// <summary>A metric value: NULL is how NaN is stored.</summary>
    public static double MetricValue(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? double.NaN : reader.GetDouble(ordinal);
}
