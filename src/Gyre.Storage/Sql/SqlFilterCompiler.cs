using Gyre.Core.Search;

namespace Gyre.Storage.Sql;

/// <summary>
/// Compiles a parsed filter and ordering to SQL for one dialect. Every value and key becomes a bound
/// parameter; the only text spliced in comes from <see cref="SqlFilterTarget"/>, which is ours.
/// </summary>
internal sealed class SqlFilterCompiler
{
    private readonly SqlFilterTarget _target;
    private readonly SqlDialect _dialect;
    private readonly List<(string Name, object? Value)> _parameters = [];
    private readonly List<string> _joins = [];

    public SqlFilterCompiler(SqlFilterTarget target, SqlDialect dialect)
    {
        _target = target;
        _dialect = dialect;
    }

    public IReadOnlyList<(string Name, object? Value)> Parameters => _parameters;

    /// <summary>LEFT JOINs that the ordering needs.</summary>
    public string Joins => string.Join(' ', _joins);

    public string Where(FilterExpression? expression) => expression is null ? "TRUE" : Compile(expression);

    /// <summary>
    /// The sort keys of an ordering, ending with <paramref name="tail"/>, whose last key must be unique.
    /// A field that <paramref name="filter"/> requires (a comparison on it in the top-level AND) can
    /// have no missing value: it is joined, not left-joined, and needs no NULL flag, which lets the
    /// database walk the field's index in order and stop at the page's end.
    /// </summary>
    public IReadOnlyList<SortKey> SortKeys(IReadOnlyList<OrderTerm> terms, IReadOnlyList<SortKey> tail, FilterExpression? filter)
    {
        var required = Required(filter);
        var keys = new List<SortKey>();
        foreach (var term in terms)
        {
            var present = term.Field.Kind != FieldKind.Attribute && required.Contains((term.Field.Kind, term.Field.Key));
            var column = OrderColumn(term.Field, present);
            if (!present)
            {
                // Missing values (and NaN, stored as NULL) sort last in both directions, as in MLflow:
                // a key of its own, so that both backends (which disagree on where NULLs go) agree.
                keys.Add(new SortKey($"(CASE WHEN {column} IS NULL THEN 1 ELSE 0 END)", Descending: false));
            }
            keys.Add(new SortKey(column, term.Descending));
        }
        keys.AddRange(tail);
        return keys;
    }

    /// <summary>
    /// The side-table fields every matching row has a non-NULL value of: those compared in the
    /// filter's top-level AND. A metric needs a comparison of values (its NaN is a NULL value, which no
    /// comparison passes); a param or tag any test but IS NULL (their values are never NULL).
    /// </summary>
    private static HashSet<(FieldKind, string)> Required(FilterExpression? filter)
    {
        var required = new HashSet<(FieldKind, string)>();
        Walk(filter);
        return required;

        void Walk(FilterExpression? expression)
        {
            switch (expression)
            {
                case AndExpression and:
                    Walk(and.Left);
                    Walk(and.Right);
                    break;
                case ComparisonExpression { Field.Kind: FieldKind.Metric } metric when SqlComparators.Binary(metric.Comparator) is not null:
                    required.Add((FieldKind.Metric, metric.Field.Key));
                    break;
                case ComparisonExpression { Field.Kind: FieldKind.Param or FieldKind.Tag } side when side.Comparator != Comparator.IsNull:
                    required.Add((side.Field.Kind, side.Field.Key));
                    break;
            }
        }
    }

    private string Compile(FilterExpression expression) => expression switch
    {
        AndExpression and => $"({Compile(and.Left)} AND {Compile(and.Right)})",
        OrExpression or => $"({Compile(or.Left)} OR {Compile(or.Right)})",
        NotExpression not => $"(NOT {Compile(not.Inner)})",
        ComparisonExpression comparison => Compile(comparison),
        _ => throw new InvalidOperationException($"unknown filter node {expression.GetType().Name}"),
    };

    private string Compile(ComparisonExpression comparison)
    {
        var field = comparison.Field;
        if (field.Kind == FieldKind.Attribute)
        {
            return Condition(Attribute(field.Key), comparison);
        }
        var (table, sideColumn, rowColumn) = SideTable(field.Kind);
        var key = Bind(field.Key);
        var exists = $"SELECT 1 FROM {table} s WHERE s.{sideColumn} = {_target.RowAlias}.{rowColumn} AND s.key = {key}";
        return comparison.Comparator switch
        {
            Comparator.IsNull => $"NOT EXISTS ({exists})",
            Comparator.IsNotNull => $"EXISTS ({exists})",
            _ => $"EXISTS ({exists} AND {Condition("s.value", comparison)})",
        };
    }

    private string Condition(string column, ComparisonExpression comparison)
    {
        var value = comparison.Value;
        if (SqlComparators.Binary(comparison.Comparator) is { } op)
        {
            return $"{column} {op} {Bind(value)}";
        }
        return SqlComparators.NullTest(comparison.Comparator, column) ?? comparison.Comparator switch
        {
            Comparator.Like => _dialect.Like(column, Bind(_dialect.LikePattern((string)value!))),
            Comparator.ILike => _dialect.ILike(column, Bind(value)),
            Comparator.In => _dialect.InList(column, Bind(_dialect.List((IReadOnlyList<string>)value!))),
            Comparator.NotIn => _dialect.NotInList(column, Bind(_dialect.List((IReadOnlyList<string>)value!))),
            _ => throw new InvalidOperationException($"unknown comparator {comparison.Comparator}"),
        };
    }

    private string OrderColumn(FieldRef field, bool present)
    {
        if (field.Kind == FieldKind.Attribute)
        {
            return Attribute(field.Key);
        }
        var (table, sideColumn, rowColumn) = SideTable(field.Kind);
        var alias = $"o{_joins.Count}";
        _joins.Add($"{(present ? "JOIN" : "LEFT JOIN")} {table} {alias} ON {alias}.{sideColumn} = {_target.RowAlias}.{rowColumn} AND {alias}.key = {Bind(field.Key)}");
        return $"{alias}.value";
    }

    private string Attribute(string name) =>
        _target.AttributeColumns.TryGetValue(name, out var column)
            ? column
            : throw new InvalidOperationException($"attribute {name} has no column");

    /// <summary>The side table of a kind, its column that points at the row, and the row's column it matches.</summary>
    private (string Table, string SideColumn, string RowColumn) SideTable(FieldKind kind) => kind switch
    {
        FieldKind.Tag => (_target.TagTable, _target.SideIdColumn, _target.IdColumn),
        FieldKind.Param when _target.ParamTable is not null => (_target.ParamTable, _target.SideIdColumn, _target.IdColumn),
        FieldKind.Metric when _target.MetricTable is not null => (_target.MetricTable, _target.MetricKeyColumn ?? _target.SideIdColumn, _target.MetricKeyColumn ?? _target.IdColumn),
        _ => throw new InvalidOperationException($"{kind} is not searchable here"),
    };

    /// <summary>Binds a value as the next parameter and returns its name.</summary>
    public string Bind(object? value)
    {
        var name = $"@f{_parameters.Count}";
        _parameters.Add((name, value));
        return name;
    }
}
