using System.Data.Common;
using Gyre.Core.Serving.Endpoints;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Serving;

/// <summary>
/// The routing version in <c>routing</c>, and on PostgreSQL a connection of its own that LISTENs on
/// <see cref="Channel"/>. A notification missed while that connection was down is caught by the
/// caller's next version check.
/// </summary>
internal sealed class SqlRoutingChanges(SqlDatabase db) : IRoutingChanges, IDisposable
{
    public const string Channel = "gyre_routing";

    private readonly ChangeListener _listener = new(db, Channel);

    public bool Listening => _listener.Listening;

    public Task<long> VersionAsync(CancellationToken ct) => db.ReadAsync(async c =>
        Convert.ToInt64(await c.ScalarAsync("SELECT version FROM routing WHERE id = 1", null, ct), System.Globalization.CultureInfo.InvariantCulture), ct);

    public Task WaitAsync(TimeSpan timeout, CancellationToken ct) => _listener.WaitAsync(timeout, ct);

    /// <summary>Raises the version in the caller's transaction and, where the backend can, wakes the listeners when it commits.</summary>
    public static async Task RaiseAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken ct)
    {
        await connection.ExecuteAsync("UPDATE routing SET version = version + 1 WHERE id = 1", transaction, ct);
        await ChangeListener.AnnounceAsync(connection, transaction, dialect, Channel, ct);
    }

    public void Dispose() => _listener.Dispose();
}
