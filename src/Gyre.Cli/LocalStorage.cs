using Gyre.Storage;

namespace Gyre.Cli;

/// <summary>Opens the stores for a command that works on them directly, without a server (<c>gyre tokens</c>, <c>gyre migrate</c>).</summary>
internal static class LocalStorage
{
    /// <summary>The stores, ready for use: the home's own file migrated, a shared database checked to be at this Gyre's schema.</summary>
    public static async Task<GyreStorage> OpenAsync(string? home, DatabaseOptions database, CancellationToken ct, ArtifactStoreOptions? artifacts = null)
    {
        var storage = GyreStorage.Create(GyreHome.Resolve(home), database: database, artifacts: artifacts);
        try
        {
            await storage.PrepareAsync(migrateShared: false, ct);
            return storage;
        }
        catch
        {
            storage.Dispose();
            throw;
        }
    }
}
