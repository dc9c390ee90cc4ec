using Gyre.Core.Errors;
using Gyre.Storage.Sql.Postgres;
using Gyre.Storage.Sql.Sqlite;
using Gyre.Tests.Shared;
using Npgsql;

namespace Gyre.Storage.Tests.Postgres;

public sealed class PostgresMigratorTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [SkippableFact]
    public async Task EightServersMigratingAnEmptyDatabaseAtOnce_ApplyEachMigrationExactlyOnce()
    {
        await using var database = await TestPostgres.CreateAsync();
        using var home = new TempHome();
        // Eight separate data sources share nothing in this process, as eight servers would not.
        var storages = Enumerable.Range(0, 8).Select(_ => GyreStorage.Create(home.Home, database: new DatabaseOptions(database.Url))).ToList();
        try
        {
            await Task.WhenAll(storages.Select(s => Task.Run(() => s.MigrateAsync(None))));
            var applied = await QueryAsync(database, "SELECT version FROM schema_migrations ORDER BY version");
            Assert.Equal(SqliteMigrations.All.Select(m => (long)m.Version), applied);
            Assert.Equal(PostgresMigrations.All.Select(m => m.Version), SqliteMigrations.All.Select(m => m.Version));
            Assert.Equal([0L], await QueryAsync(database, "SELECT experiment_id FROM experiments"));
            Assert.All(storages, s => Assert.Equal(GyreStorage.NewestSchemaVersion, s.SchemaVersionAsync(None).Result));
        }
        finally
        {
            storages.ForEach(s => s.Dispose());
        }
    }

    [SkippableFact]
    public async Task AnOlderSchema_IsRefusedWithWhatToRun_UnlessAskedToMigrate()
    {
        await using var database = await TestPostgres.CreateAsync();
        using var home = new TempHome();
        using var storage = GyreStorage.Create(home.Home, database: new DatabaseOptions(database.Url));

        var empty = await Assert.ThrowsAsync<GyreException>(() => storage.PrepareAsync(migrateShared: false, None));
        Assert.Contains("has no Gyre schema yet: run `gyre migrate --database URL` first", empty.Message, StringComparison.Ordinal);

        await storage.MigrateAsync(None);
        var newest = GyreStorage.NewestSchemaVersion;
        await database.ExecuteAsync($"DELETE FROM {database.Schema}.schema_migrations WHERE version = {newest}");
        var older = await Assert.ThrowsAsync<GyreException>(() => storage.PrepareAsync(migrateShared: false, None));
        Assert.Contains($"has schema version {newest - 1}, older than this gyre's {newest}", older.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("@", older.Message, StringComparison.Ordinal);

        await database.ExecuteAsync($"INSERT INTO {database.Schema}.schema_migrations VALUES (999, 'future', 0)");
        var newer = await Assert.ThrowsAsync<GyreException>(() => storage.PrepareAsync(migrateShared: true, None));
        Assert.Contains("schema version 999, newer than this gyre knows", newer.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task AnUnreachableServer_IsUnavailable_NamingItWithoutThePassword()
    {
        TestPostgres.RequireServer();
        using var home = new TempHome();
        // A port nothing listens on: the connection is refused at once.
        using var storage = GyreStorage.Create(home.Home, database: new DatabaseOptions("postgresql://gyre:s3cret@127.0.0.1:9/gyre"));
        var error = await Assert.ThrowsAsync<GyreException>(() => storage.MigrateAsync(None));
        Assert.Equal(ErrorCode.Unavailable, error.Code);
        Assert.Contains("127.0.0.1:9/gyre", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HomeMove_KnowsEveryTableOfTheSchema()
    {
        using var home = new TempHome();
        using (var storage = await GyreStorage.OpenAsync(home.Home))
        {
            _ = storage.PredictionLog; // makes the log's own file
        }
        Assert.Equal(await TablesAsync(home.Home.DatabasePath), HomeMove.Tables.Order(StringComparer.Ordinal));
        Assert.Equal(await TablesAsync(home.Home.PredictionLogPath), HomeMove.LogTables.Order(StringComparer.Ordinal));

        static async Task<List<string>> TablesAsync(string path)
        {
            using var db = new SqliteDatabase(path);
            return await db.ReadAsync(c => Gyre.Storage.Sql.SqlCommands.QueryAsync(c,
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name", null, r => r.GetString(0), None), None);
        }
    }

    [Theory]
    [InlineData("postgresql://gyre@db.internal:6432/meta?sslmode=require&Trust%20Server%20Certificate=true", "db.internal", 6432, "meta")]
    [InlineData("postgres://gyre:p%40ss@localhost/gyre", "localhost", 5432, "gyre")]
    public void DatabaseUrls_BecomeNpgsqlSettings(string url, string host, int port, string name)
    {
        var settings = PostgresUrl.Parse("--database", url);
        Assert.Equal((host, port, name, "gyre"), (settings.Host, settings.Port, settings.Database, settings.Username));
        if (url.Contains("p%40ss", StringComparison.Ordinal))
        {
            Assert.Equal("p@ss", settings.Password);
            Assert.Equal("postgres://gyre:***@localhost/gyre", PostgresUrl.Redact(url));
        }
        else
        {
            Assert.Equal(SslMode.Require, settings.SslMode);
        }
    }

    [Theory]
    [InlineData("postgresql://db/", "expected one database name")]
    [InlineData("postgresql://db/x?no_such_setting=1", "'no_such_setting=1' is not an Npgsql connection setting")]
    [InlineData("mysql://db/x", "expected postgresql://USER@HOST:PORT/DATABASE")]
    public void BadDatabaseUrls_AreRefusedNamingTheOption(string url, string expected)
    {
        var error = Assert.Throws<GyreException>(() => PostgresUrl.Parse("--database", url));
        Assert.StartsWith("--database: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<long>> QueryAsync(TestPostgres database, string sql)
    {
        await using var source = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(Npgsql(database.Url)).ConnectionString);
        await using var command = source.CreateCommand(sql);
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<long>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetInt64(0));
        }
        return values;
    }

    private static string Npgsql(string url) => PostgresUrl.Parse("url", url).ConnectionString;
}
