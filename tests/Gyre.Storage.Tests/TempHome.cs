using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Tests;

/// <summary>A Gyre home in a fresh temporary folder, removed afterwards.</summary>
public sealed class TempHome : IDisposable
{
    public TempHome() => Directory.CreateDirectory(Home.Root);

    public GyreHome Home { get; } = new(Path.Combine(Path.GetTempPath(), "gyre-test-" + Guid.NewGuid().ToString("N")));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Home.Root, recursive: true);
        }
        catch (IOException)
        {
            // A pooled handle may linger a moment; the folder is in the temp directory either way.
        }
    }
}
