using Gyre.Storage.Sql;
using Gyre.Storage.Sql.Sqlite;

namespace Gyre.Storage.Tests.Sqlite;

public sealed class SqliteMigratorTests
{
    [Fact]
    public async Task ManyOpenersAtOnce_ApplyEachMigrationExactlyOnce()
    {
        using var home = new TempHome();
        home.Home.EnsureExists();
        // Separate SqliteDatabase objects share no in-process gate, as two processes would not.
        var databases = Enumerable.Range(0, 8).Select(_ => new SqliteDatabase(home.Home.DatabasePath)).ToList();
        var versions = await Task.WhenAll(databases.Select(db => Task.Run(() => SqliteMigrator.MigrateAsync(db, CancellationToken.None))));
        Assert.All(versions, v => Assert.Equal(SqliteMigrations.All[^1].Version, v));

        var applied = await databases[0].ReadAsync(c => c.QueryAsync("SELECT version FROM schema_migrations ORDER BY version", null, r => r.GetInt32(0), CancellationToken.None), CancellationToken.None);
        Assert.Equal(SqliteMigrations.All.Select(m => m.Version), applied);
        var mode = await databases[0].ReadAsync(c => c.ScalarAsync("PRAGMA journal_mode", null, CancellationToken.None), CancellationToken.None);
        Assert.Equal("wal", mode);
        databases.ForEach(d => d.Dispose());
    }

    [Fact]
    public async Task Reopening_KeepsData()
    {
        using var home = new TempHome();
        using (var first = await GyreStorage.OpenAsync(home.Home))
        {
            await first.Tracking.CreateExperimentAsync("kept", [], CancellationToken.None);
        }
        using var second = await GyreStorage.OpenAsync(home.Home);
        Assert.Equal("kept", (await second.Tracking.GetExperimentByNameAsync("kept", CancellationToken.None)).Name);
    }

    [Fact]
    public async Task DatabaseFromANewerGyre_IsRefusedWithAClearMessage()
    {
        using var home = new TempHome();
        using (var storage = await GyreStorage.OpenAsync(home.Home))
        {
        }
        using var db = new SqliteDatabase(home.Home.DatabasePath);
        await db.WriteAsync((c, t) => c.ExecuteAsync("INSERT INTO schema_migrations VALUES (999, 'future', 0)", t, CancellationToken.None), CancellationToken.None);
        var error = await Assert.ThrowsAsync<Gyre.Core.Errors.GyreException>(() => SqliteMigrator.MigrateAsync(db, CancellationToken.None));
        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
    }
}
