namespace Gyre.Storage.Sql;

/// <summary>One key of an ordering: a SQL expression (ours, never the user's text) and its direction.</summary>
internal sealed record SortKey(string Expression, bool Descending = false)
{
    public override string ToString() => $"{Expression} {(Descending ? "DESC" : "ASC")}";
}
