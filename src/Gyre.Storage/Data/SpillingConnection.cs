using DuckDB.NET.Data;

namespace Gyre.Storage.Data;

/// <summary>
/// A DuckDB connection with its own spill folder, both gone on dispose. While it is open, the
/// token interrupts whatever query runs on it: DuckDB's interrupt is per connection, so any
/// command of the connection can deliver it.
/// </summary>
internal sealed class SpillingConnection : IDisposable
{
    private readonly CancellationTokenRegistration _interrupt;

    public SpillingConnection(DuckDBConnection connection, string folder, CancellationToken ct)
    {
        Connection = connection;
        Folder = folder;
        _interrupt = ct.Register(() =>
        {
            using var command = connection.CreateCommand();
            command.Cancel();
        });
    }

    public DuckDBConnection Connection { get; }

    /// <summary>The instance's own folder, for scratch files that go with it.</summary>
    public string Folder { get; }

    public void Dispose()
    {
        // First, so that no interrupt can reach a closed connection.
        _interrupt.Dispose();
        Connection.Dispose();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: an undeleted spill folder holds only temporary data.
        }
    }
}
