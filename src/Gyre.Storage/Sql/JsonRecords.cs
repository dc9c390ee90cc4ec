using System.Text.Json;
using Gyre.Core.Json;
using System.Data.Common;

namespace Gyre.Storage.Sql;

/// <summary>Records kept whole as JSON in a <c>body</c> column (rollouts, runs, windows, firings): written and read with the wire format's conventions.</summary>
internal static class JsonRecords
{
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, GyreJson.Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, GyreJson.Options)!;

    public static T Read<T>(DbDataReader reader, int ordinal = 0) => Read<T>(reader.GetString(ordinal));
}
