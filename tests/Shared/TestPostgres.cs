using Npgsql;

namespace Gyre.Tests.Shared;

/// <summary>
/// A fresh schema on the test PostgreSQL server, for one test: the database URL points at it
/// (through <c>Search Path</c>), and disposing drops it. The server is the one <c>.ci/run</c>
/// starts (<c>eval "$(bash .ci/postgres start)"</c> does the same on a developer machine) and names
/// in <c>$GYRE_TEST_POSTGRES</c>. Without it, a test is skipped with the reason, except under
/// <c>CI=true</c>, where a missing server is a failure.
/// </summary>
public sealed class TestPostgres : IAsyncDisposable
{
    private readonly string _admin;

    private TestPostgres(string admin, string schema, string url)
    {
        _admin = admin;
        Schema = schema;
        Url = url;
    }

    /// <summary>The test server's URL, if one is configured.</summary>
    public static string? ServerUrl => Environment.GetEnvironmentVariable("GYRE_TEST_POSTGRES") is { Length: > 0 } url ? url : null;

    /// <summary>The schema's name; the tables of one test live in it alone.</summary>
    public string Schema { get; }

    /// <summary>A database URL that Gyre takes (<c>--database</c>), scoped to this test's schema.</summary>
    public string Url { get; }

    /// <summary>Skips the calling <c>[SkippableFact]</c> when no server is configured; under CI=true, fails instead.</summary>
    public static string RequireServer()
    {
        if (ServerUrl is { } url)
        {
            return url;
        }
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("CI=true but GYRE_TEST_POSTGRES is not set: .ci/run starts a PostgreSQL server and exports its URL");
        }
        Skip.If(true, "no PostgreSQL server for the tests: run eval \"$(bash .ci/postgres start)\" to start one (sets GYRE_TEST_POSTGRES)");
        throw new InvalidOperationException("unreachable");
    }

    public static async Task<TestPostgres> CreateAsync()
    {
        var server = RequireServer();
        var admin = AdminConnectionString(server);
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await create.ExecuteNonQueryAsync();
        }
        var separator = server.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return new TestPostgres(admin, schema, $"{server}{separator}Search%20Path={schema}");
    }

    /// <summary>Runs one statement against the whole test database, outside any test's schema.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The first value of one query against the whole test database (name tables with <see cref="Schema"/>).</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        }
        catch (NpgsqlException)
        {
            // A test that stopped the server leaves its schema to the throwaway cluster.
        }
    }

    /// <summary>The server URL as an Npgsql connection string (the tests' URLs have no password or settings).</summary>
    private static string AdminConnectionString(string url)
    {
        var uri = new Uri(url);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Username = uri.UserInfo.Split(':')[0],
            Database = uri.AbsolutePath.TrimStart('/'),
            Pooling = false,
        }.ConnectionString;
    }
}
