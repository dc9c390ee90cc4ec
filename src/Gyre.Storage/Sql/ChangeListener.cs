using Gyre.Storage.Sql.Postgres;
using Npgsql;

namespace Gyre.Storage.Sql;

/// <summary>
/// Waits for announcements on one channel: on PostgreSQL a connection of its own that LISTENs (opened
/// again at the next wait when it breaks); elsewhere only the timeout, and callers poll. Callers keep
/// the truth in tables and use a wake-up only to look sooner. Used by one caller at a time.
/// </summary>
internal sealed class ChangeListener(SqlDatabase db, string channel) : IDisposable
{
    private NpgsqlConnection? _listening;

    /// <summary>Whether announcements come now (a listening connection is open).</summary>
    public bool Listening => _listening is not null;

    /// <summary>
    /// Waits until an announcement or the timeout, whichever comes first; returns at once when it has
    /// just started listening, so that the caller looks for what was announced to no one before.
    /// </summary>
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

    /// <summary>Announces on <paramref name="channel"/> when the caller's transaction commits, where the backend can.</summary>
    public static async Task AnnounceAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction, SqlDialect dialect, string channel,
        CancellationToken ct)
    {
        if (dialect.Notify(channel) is { } notify)
        {
            await connection.ExecuteAsync(notify, transaction, ct);
        }
    }

    private async Task<NpgsqlConnection> ListenAsync(PostgresDatabase postgres, CancellationToken ct)
    {
        var connection = await postgres.OpenAsync(ct);
        try
        {
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
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
