using System.Data.Common;

namespace Gyre.Storage.Sql;

/// <summary>
/// The metadata database every store shares, whichever backend holds it. A store runs its work in
/// one read transaction (a consistent snapshot) or one write transaction (serialised against every
/// other writer, in this process and in others), and writes its SQL once for every backend, asking
/// <see cref="Dialect"/> for the few phrases the backends spell differently.
/// </summary>
internal abstract class SqlDatabase : IDisposable
{
    public abstract SqlDialect Dialect { get; }

    /// <summary>Where the database is, for messages: a file path, or a host and database name (never a password).</summary>
    public abstract string Location { get; }

    /// <summary>Runs <paramref name="work"/> in one read-only transaction, so that all its queries see the same snapshot.</summary>
    public abstract Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken ct);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction: it commits if the work returns and rolls
    /// back if it throws. The work may run more than once (a backend retries a transaction that lost a
    /// race), so it must do nothing outside the database that it cannot repeat.
    /// </summary>
    public abstract Task<T> WriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct);

    /// <summary>
    /// As <see cref="WriteAsync{T}"/>, for a queue's claim (<c>FOR UPDATE SKIP LOCKED</c>): where the
    /// backend offers it, at READ COMMITTED, which that pattern is made for, so that claimers skip each
    /// other's rows instead of failing each other's serializable transactions.
    /// </summary>
    public virtual Task<T> ClaimAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken ct) => WriteAsync(work, ct);

    public Task WriteAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken ct) =>
        WriteAsync<bool>(async (c, t) => { await work(c, t); return true; }, ct);

    /// <summary>Brings the schema to the newest version this Gyre knows; returns that version.</summary>
    public abstract Task<int> MigrateAsync(CancellationToken ct);

    /// <summary>The schema version the database is at (0 when empty).</summary>
    public abstract Task<int> SchemaVersionAsync(CancellationToken ct);

    public abstract void Dispose();
}
