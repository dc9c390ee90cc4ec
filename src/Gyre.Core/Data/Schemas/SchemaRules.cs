namespace Gyre.Core.Data.Schemas;

/// <summary>Checks a declared schema on its own, before any data is compared with it; every problem names its field.</summary>
public static class SchemaRules
{
    public const int MaxColumns = 10_000;

    public static List<string> Validate(DatasetSchema? schema)
    {
        var problems = new List<string>();
        if (schema?.Columns is not { Count: > 0 } columns)
        {
            problems.Add("columns: expected at least one column");
            return problems;
        }
        if (columns.Count > MaxColumns)
        {
            problems.Add($"columns: {columns.Count} columns, at most {MaxColumns} allowed");
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, column) in columns)
        {
            var field = $"columns.{name}";
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add("columns: a column name is empty");
                continue;
            }
            if (!seen.Add(name))
            {
                // Column names are matched ignoring case, as DuckDB and most engines do.
                problems.Add($"{field}: declared more than once, ignoring case");
            }
            if (column is null)
            {
                problems.Add($"{field}: expected a mapping with type, role, nullable or values");
                continue;
            }
            if (column.Values is { } values)
            {
                if (values.Count == 0)
                {
                    problems.Add($"{field}.values: expected at least one value");
                }
                if (values.Any(v => v is null))
                {
                    problems.Add($"{field}.values: a value is null; missing values are allowed or refused with nullable");
                }
                if (values.Where(v => v is not null).GroupBy(v => v, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } repeated)
                {
                    problems.Add($"{field}.values: '{repeated.Key}' appears more than once");
                }
                if (column.Type is ColumnType.Float or ColumnType.Datetime)
                {
                    problems.Add($"{field}.values: a domain of values needs a discrete type (categorical, text, integer or boolean), not {Wire(column.Type.Value)}");
                }
            }
            if (column.Role == ColumnRole.Timestamp && column.Type is { } type && type is not (ColumnType.Datetime or ColumnType.Integer))
            {
                problems.Add($"{field}.type: a timestamp column must be datetime or integer (epoch), not {Wire(type)}");
            }
        }
        foreach (var role in new[] { ColumnRole.Label, ColumnRole.Timestamp })
        {
            var holders = columns.Where(c => c.Value?.Role == role).Select(c => c.Key).ToList();
            if (holders.Count > 1)
            {
                problems.Add($"columns: at most one column may have the role {Wire(role)}, found {string.Join(", ", holders)}");
            }
        }
        return problems;
    }

    public static string Wire(ColumnType type) => type switch
    {
        ColumnType.Integer => "integer",
        ColumnType.Float => "float",
        ColumnType.Boolean => "boolean",
        ColumnType.Categorical => "categorical",
        ColumnType.Text => "text",
        _ => "datetime",
    };

    public static string Wire(ColumnRole role) => role.ToString().ToLowerInvariant();
}
