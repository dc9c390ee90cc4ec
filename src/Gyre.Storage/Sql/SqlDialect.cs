using System.Data.Common;

namespace Gyre.Storage.Sql;

/// <summary>
/// The phrases that SQLite and PostgreSQL spell differently. Everything else in the stores' SQL is
/// the common subset both accept: <c>@name</c> parameters, <c>ON CONFLICT</c> upserts, <c>RETURNING</c>,
/// <c>LIMIT</c>/<c>OFFSET</c>, <c>COALESCE</c>, <c>||</c>.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary><c>column IN (the list)</c>, where the list is a parameter bound to <see cref="List(IEnumerable{string})"/>.</summary>
    public abstract string InList(string column, string parameter);

    /// <summary><c>column NOT IN (the list)</c>; a NULL column is in no list and so passes.</summary>
    public abstract string NotInList(string column, string parameter);

    /// <summary>The list bound to <paramref name="parameter"/> as a table named <paramref name="alias"/> with one column, <c>value</c>, to join against.</summary>
    public abstract string ListTable(string parameter, string alias);

    /// <summary>A list of text values, as the parameter of <see cref="InList"/> takes it.</summary>
    public abstract object List(IEnumerable<string> values);

    /// <summary>A list of integers, as the parameter of <see cref="InList"/> takes it.</summary>
    public abstract object List(IEnumerable<long> values);

    /// <summary>A case-sensitive SQL LIKE match (<c>%</c> and <c>_</c>) of <paramref name="column"/> against a pattern bound to <see cref="LikePattern"/>.</summary>
    public abstract string Like(string column, string parameter);

    /// <summary>The value to bind for a LIKE pattern.</summary>
    public abstract object LikePattern(string like);

    /// <summary>A LIKE match that ignores case.</summary>
    public abstract string ILike(string column, string parameter);

    /// <summary>Equality that holds between two NULLs.</summary>
    public abstract string NullSafeEqual(string left, string right);

    /// <summary>The database's clock now, in milliseconds since the Unix epoch, as an integer expression: what leases are timed by, so that no replica's clock matters.</summary>
    public abstract string NowMilliseconds { get; }

    /// <summary>What locks a selected row against other claimers and skips the rows they locked (<c>FOR UPDATE SKIP LOCKED</c>); nothing where writers take turns anyway (SQLite).</summary>
    public virtual string SkipLocked => "";

    /// <summary>Whether one statement can chain writes (a DELETE … RETURNING feeding an INSERT through WITH), as PostgreSQL's can and SQLite's cannot.</summary>
    public virtual bool ChainsWrites => false;

    /// <summary>
    /// A statement that wakes the processes listening on <paramref name="channel"/> when its transaction
    /// commits (PostgreSQL's NOTIFY); null where the backend has no such thing, and listeners poll.
    /// </summary>
    public virtual string? Notify(string channel) => null;

    /// <summary>Whether an error is a unique or primary-key violation, which stores turn into a conflict.</summary>
    public abstract bool IsUniqueViolation(DbException exception);
}
