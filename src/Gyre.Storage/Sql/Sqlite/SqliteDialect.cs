using System.Data.Common;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Gyre.Storage.Sql.Sqlite;

/// <summary>SQLite's spelling: lists are JSON arrays read by <c>json_each</c>; case-sensitive LIKE is GLOB.</summary>
internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public override string InList(string column, string parameter) => $"{column} IN (SELECT value FROM json_each({parameter}))";

    public override string NotInList(string column, string parameter) => $"{column} NOT IN (SELECT value FROM json_each({parameter}))";

    public override string ListTable(string parameter, string alias) => $"json_each({parameter}) AS {alias}";

    public override object List(IEnumerable<string> values) => JsonSerializer.Serialize(values);

    public override object List(IEnumerable<long> values) => JsonSerializer.Serialize(values);

    // SQLite's LIKE ignores ASCII case, so a case-sensitive LIKE is a GLOB with the same meaning.
    public override string Like(string column, string parameter) => $"{column} GLOB {parameter}";

    public override object LikePattern(string like) => LikePatterns.ToGlob(like);

    public override string ILike(string column, string parameter) => $"{column} LIKE {parameter}";

    public override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

    public override string NullSafeEqual(string left, string right) => $"{left} IS {right}";

    public override bool IsUniqueViolation(DbException exception) => exception is SqliteException e && e.IsUniqueViolation();
}
