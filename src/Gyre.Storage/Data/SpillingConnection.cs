using DuckDB.NET.Data;

namespace Gyre.Storage.Data;

/// <summary>A DuckDB connection with its own spill folder, both gone on dispose.</summary>
internal sealed class SpillingConnection(DuckDBConnection connection, string folder) : IDisposable
{
    public DuckDBConnection Connection => connection;

    /// <summary>The instance's own folder, for scratch files that go with it.</summary>
    public string Folder => folder;

    public void Dispose()
    {
        connection.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: an undeleted spill folder holds only temporary data.
        }
    }
}
