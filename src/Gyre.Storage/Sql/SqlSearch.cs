using Gyre.Core.Search;

namespace Gyre.Storage.Sql;

/// <summary>
/// A search request compiled for SQL: its filter and ordering parsed against the entity's schema
/// and compiled to a parameterised <c>WHERE</c> and <c>ORDER BY</c>, and the offset its page token
/// holds (valid only for the same search: <paramref name="Fingerprint"/>).
/// </summary>
internal sealed record SqlSearch(SqlFilterCompiler Compiler, string Where, string OrderBy, long Offset, string Fingerprint)
{
    /// <summary>Compiles a search; <paramref name="fingerprint"/> is what makes it the same search (the entity, its filter, ordering, view…): its page tokens are refused by any other.</summary>
    public static SqlSearch Compile(string? filter, IReadOnlyList<string>? orderBy, string? pageToken, FilterSchema schema, SqlFilterTarget target,
        string defaultOrder, string fingerprint, SqlDialect dialect)
    {
        var parsed = FilterParser.Parse(filter, schema);
        var order = FilterParser.ParseOrderBy(orderBy, schema);
        var compiler = new SqlFilterCompiler(target, dialect);
        return new SqlSearch(compiler, compiler.Where(parsed), compiler.OrderBy(order, defaultOrder), PageToken.Decode(pageToken, fingerprint), fingerprint);
    }
}
