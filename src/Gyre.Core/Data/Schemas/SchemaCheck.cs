using System.Globalization;

namespace Gyre.Core.Data.Schemas;

/// <summary>
/// Compares what was read from a file with the declared schema: gives the columns their roles and
/// declared types, and lists every difference, column by column. A declared type is taken when the
/// data allows it (integer codes as categorical, 0/1 as boolean, integers as float); otherwise the
/// inferred type stays and the difference is reported.
/// </summary>
public static class SchemaCheck
{
    public static (IReadOnlyList<ColumnSchema> Columns, IReadOnlyList<SchemaMismatch> Mismatches) Apply(
        DatasetSchema? schema, DatasetFile file)
    {
        if (schema is null)
        {
            return (file.Columns, []);
        }
        var mismatches = new List<SchemaMismatch>();
        var declared = new Dictionary<string, DeclaredColumn>(schema.Columns, StringComparer.OrdinalIgnoreCase);
        var profiles = file.Profile.Columns.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
        var violations = (file.DomainViolations ?? []).ToDictionary(v => v.Column, StringComparer.OrdinalIgnoreCase);
        var columns = file.Columns.Select(column =>
        {
            if (!declared.TryGetValue(column.Name, out var declaration))
            {
                if (!schema.AllowExtraColumns)
                {
                    mismatches.Add(new(column.Name, SchemaMismatchKinds.UnexpectedColumn, "only the declared columns", $"a {SchemaRules.Wire(column.Type)} column the schema does not declare"));
                }
                return column;
            }
            profiles.TryGetValue(column.Name, out var profile);
            var type = column.Type;
            if (declaration.Type is { } wanted && wanted != column.Type)
            {
                if (Converts(column.Type, wanted, profile))
                {
                    type = wanted;
                }
                else
                {
                    mismatches.Add(new(column.Name, SchemaMismatchKinds.WrongType, SchemaRules.Wire(wanted), SchemaRules.Wire(column.Type)));
                }
            }
            var role = declaration.Role ?? ColumnRole.Feature;
            if (role == ColumnRole.Timestamp && type is not (ColumnType.Datetime or ColumnType.Integer) && (profile?.Count ?? 0) > 0)
            {
                mismatches.Add(new(column.Name, SchemaMismatchKinds.WrongRoleType, "datetime or integer (epoch) for a timestamp", SchemaRules.Wire(type)));
            }
            if (declaration.Nullable == false && profile is { Missing: > 0 } missing)
            {
                mismatches.Add(new(column.Name, SchemaMismatchKinds.MissingValues, "no missing values", $"{missing.Missing.ToString(CultureInfo.InvariantCulture)} missing"));
            }
            if (violations.TryGetValue(column.Name, out var violation) && violation.Count > 0)
            {
                mismatches.Add(new(column.Name, SchemaMismatchKinds.OutOfDomain, $"one of {string.Join(", ", declaration.Values ?? [])}",
                    $"{violation.Count.ToString(CultureInfo.InvariantCulture)} other values, e.g. {string.Join(", ", violation.Examples)}"));
            }
            return column with { Type = type, Role = role };
        }).ToList();

        var present = new HashSet<string>(file.Columns.Select(c => c.Name), StringComparer.OrdinalIgnoreCase);
        foreach (var (name, declaration) in schema.Columns.Where(c => !present.Contains(c.Key)))
        {
            var what = declaration.Role is { } role and not ColumnRole.Feature ? $"a column '{name}' (role {SchemaRules.Wire(role)})" : $"a column '{name}'";
            mismatches.Add(new(name, SchemaMismatchKinds.MissingColumn, what, "no such column"));
        }
        return (columns, mismatches);
    }

    /// <summary>The columns and the values a reader must check against each declared domain.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Domains(DatasetSchema? schema) =>
        schema?.Columns.Where(c => c.Value.Values is { Count: > 0 }).ToDictionary(c => c.Key, c => c.Value.Values!, StringComparer.OrdinalIgnoreCase)
        ?? new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Whether values read as <paramref name="inferred"/> can be taken as <paramref name="wanted"/>.</summary>
    private static bool Converts(ColumnType inferred, ColumnType wanted, ColumnProfile? profile)
    {
        if (profile is { Count: 0 })
        {
            // A column with no values at all was read as text; any declared type fits it.
            return true;
        }
        return wanted switch
        {
            ColumnType.Float => inferred is ColumnType.Integer,
            ColumnType.Boolean => inferred is ColumnType.Integer && profile is { Min: >= 0, Max: <= 1 },
            ColumnType.Categorical => inferred is ColumnType.Text or ColumnType.Integer or ColumnType.Boolean,
            ColumnType.Text => inferred is ColumnType.Categorical,
            _ => false,
        };
    }
}
