using Gyre.Storage.Tests.Contract;
using Microsoft.Extensions.Time.Testing;

namespace Gyre.Storage.Tests.Sqlite;

/// <summary>Opens a fresh SQLite home in a temporary folder for each test.</summary>
internal static class SqliteStores
{
    public static async Task<StoreUnderTest> OpenAsync()
    {
        var home = new TempHome();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var storage = await GyreStorage.OpenAsync(home.Home, time, new Random(7));
        return new StoreUnderTest(storage.Tracking, storage.Registry, time, new Owner(storage, home));
    }

    private sealed class Owner(GyreStorage storage, TempHome home) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            storage.Dispose();
            home.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

public sealed class SqliteTrackingStoreTests : TrackingStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}

public sealed class SqliteTrackingStoreLoggingTests : TrackingStoreLoggingContract
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}

public sealed class SqliteTrackingStoreSearchTests : TrackingStoreSearchContract
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}

public sealed class SqliteRegistryStoreTests : RegistryStoreContract
{
    protected override Task<StoreUnderTest> OpenAsync() => SqliteStores.OpenAsync();
}
