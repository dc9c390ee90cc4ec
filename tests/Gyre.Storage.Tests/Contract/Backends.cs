using Gyre.Tests.Shared;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Storage.Tests.Contract;

/// <summary>Opens fresh, migrated stores on each backend: a new SQLite home, or a new schema on the test PostgreSQL server.</summary>
public static class Backends
{
    public static DateTimeOffset Start { get; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<StoreUnderTest> SqliteAsync()
    {
        var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var storage = await GyreStorage.OpenAsync(home.Home, time, new Random(7));
        return new StoreUnderTest(storage, time, () => { home.Dispose(); return ValueTask.CompletedTask; });
    }

    public static async Task<StoreUnderTest> PostgresAsync()
    {
        var database = await TestPostgres.CreateAsync();
        var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var storage = await GyreStorage.OpenAsync(home.Home, time, new Random(7), database: new DatabaseOptions(database.Url));
        return new StoreUnderTest(storage, time, async () =>
        {
            home.Dispose();
            await database.DisposeAsync();
        });
    }
}
