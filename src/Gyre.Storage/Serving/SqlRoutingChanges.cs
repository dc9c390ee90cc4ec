using System.Data.Common;
using Gyre.Core.Serving.Endpoints;
using Gyre.Storage.Sql;
using Gyre.Storage.Sql.Postgres;
using Npgsql;

namespace Gyre.Storage.Serving;

/// <summary>
/// The routing version in <c>routing</c>, and on PostgreSQL a connection of its own that LISTENs on
/// <see cref="Channel"/>. A lost listening connection is opened again at the next wait; a
/// notification missed meanwhile is caught by the caller's next version check.
/// </summary>
internal sealed class SqlRoutingChanges(SqlDatabase db) : IRoutingChanges, IDisposable
{
    public const string Channel = "gyre_routing";

    private NpgsqlConnection? _listening;

    public bool Listening => _listening is not null;

    public Task<long> VersionAsync(CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT version FROM routing WHERE id = 1", null, ct), System.Globalization.CultureInfo.InvariantCulture), ct);

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (db is not PostgresDatabase postgres)
        {
            await Task.Delay(timeout, ct);
            return;
        }
        try
        {
            if (_listening is null)
            {
                // Changes made before the LISTEN began were announced to no one: the caller checks now.
                _listening = await ListenAsync(postgres, ct);
                return;
            }
            await _listening.WaitAsync(timeout, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The server went away: wait out the period without it, and listen afresh next time.
            Dispose();
            await Task.Delay(timeout, ct);
        }
    }

    /// <summary>Raises the version in the caller's transaction and, where the backend can, wakes the listeners when it commits.</summary>
    public static async Task RaiseAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken ct)
    {
        await connection.ExecuteAsync("UPDATE routing SET version = version + 1 WHERE id = 1", transaction, ct);
        if (dialect.Notify(Channel) is { } notify)
        {
            await connection.ExecuteAsync(notify, transaction, ct);
        }
    }

    private static async Task<NpgsqlConnection> ListenAsync(PostgresDatabase postgres, CancellationToken ct)
    {
        var connection = await postgres.OpenAsync(ct);
        try
        {
            await using var listen = new NpgsqlCommand($"LISTEN {Channel}", connection);
            await listen.ExecuteNonQueryAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>Closes the listening connection, if one is open; the next wait opens another.</summary>
    public void Dispose() => Interlocked.Exchange(ref _listening, null)?.Dispose();
}
