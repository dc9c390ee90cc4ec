using Gyre.Core.Errors;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>
/// Reads a database URL, <c>postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?setting=value&amp;…]</c>,
/// into Npgsql's connection settings. Query settings are Npgsql connection-string keywords
/// (<c>sslmode=require</c>, <c>Root Certificate=/path</c>, <c>Search Path=gyre</c>…), passed through.
/// </summary>
internal static class PostgresUrl
{
    public static bool IsPostgres(string url) =>
        url.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || url.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    public static NpgsqlConnectionStringBuilder Parse(string field, string url)
    {
        if (!IsPostgres(url) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            throw GyreException.Invalid($"{field}: expected postgresql://USER@HOST:PORT/DATABASE, got '{Redact(url)}'");
        }
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw GyreException.Invalid($"{field}: expected one database name after the host, as in postgresql://gyre@db:5432/gyre, got '{Redact(url)}'");
        }
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Database = database,
        };
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2)
            {
                builder.Password = Uri.UnescapeDataString(parts[1]);
            }
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0].Replace('+', ' '));
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            try
            {
                builder[key] = value;
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException)
            {
                throw GyreException.Invalid($"{field}: the setting '{key}={value}' is not an Npgsql connection setting ({e.Message.Split('\n')[0]})");
            }
        }
        return builder;
    }

    /// <summary>The URL with any password replaced, for messages and logs.</summary>
    public static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || !uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            return url;
        }
        var user = uri.UserInfo.Split(':', 2)[0];
        return url.Replace(uri.UserInfo + "@", user + ":***@", StringComparison.Ordinal);
    }
}
