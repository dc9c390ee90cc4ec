using System.Data.Common;
using Npgsql;

namespace Gyre.Storage.Sql.Postgres;

/// <summary>
/// PostgreSQL's spelling: lists are arrays compared with <c>ANY</c>/<c>ALL</c>. Text columns use the
/// "C" collation, so LIKE is case-sensitive and ILIKE folds ASCII letters only, exactly as on SQLite.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    public override string InList(string column, string parameter) => $"{column} = ANY({parameter})";

    public override string NotInList(string column, string parameter) => $"{column} <> ALL({parameter})";

    public override string ListTable(string parameter, string alias) => $"unnest({parameter}) AS {alias}(value)";

    public override object List(IEnumerable<string> values) => values.ToArray();

    public override object List(IEnumerable<long> values) => values.ToArray();

    public override string Like(string column, string parameter) => $"{column} LIKE {parameter}";

    public override object LikePattern(string like) => like;

    public override string ILike(string column, string parameter) => $"{column} ILIKE {parameter}";

    public override string SkipLocked => "FOR UPDATE SKIP LOCKED";

    public override bool ChainsWrites => true;

    public override string? Notify(string channel) => $"SELECT pg_notify('{channel}', '')";

    /// <remarks>clock_timestamp(), not now(): a transaction that waits must not see the time it began.</remarks>
    public override string NowMilliseconds => "CAST(floor(extract(epoch FROM clock_timestamp()) * 1000) AS bigint)";

    public override string NullSafeEqual(string left, string right) => $"{left} IS NOT DISTINCT FROM {right}";

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
