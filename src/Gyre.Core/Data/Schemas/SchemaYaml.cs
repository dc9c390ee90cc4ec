using Gyre.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gyre.Core.Data.Schemas;

/// <summary>
/// Reads a schema file:
/// <code>
/// columns:
///   customer_id: {role: id}
///   churned: {role: label, type: boolean}
///   plan: {type: categorical, values: [basic, pro]}
///   age: {type: integer, nullable: false}
/// allow_extra_columns: true
/// </code>
/// Every problem is reported with its line, all of them at once, through the same rules as a JSON schema.
/// </summary>
public static class SchemaYaml
{
    private static readonly string[] ColumnKeys = ["type", "role", "nullable", "values"];

    public static DatasetSchema Parse(string text)
    {
        var problems = new List<string>();
        YamlMappingNode root;
        try
        {
            YamlGuard.Check(text, "schema");
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                throw GyreException.Invalid("schema: expected a YAML mapping with 'columns'");
            }
            root = mapping;
        }
        catch (YamlException e)
        {
            throw GyreException.Invalid($"schema: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        var columns = new Dictionary<string, DeclaredColumn>(StringComparer.Ordinal);
        var allowExtra = true;
        foreach (var (keyNode, value) in root.Children)
        {
            var key = Scalar(keyNode);
            switch (key)
            {
                case "columns" when value is YamlMappingNode columnNodes:
                    foreach (var (nameNode, columnNode) in columnNodes.Children)
                    {
                        var name = Scalar(nameNode) ?? "";
                        if (ReadColumn(name, columnNode, problems) is { } column && !columns.TryAdd(name, column))
                        {
                            problems.Add($"{Line(nameNode)}columns.{name}: declared twice");
                        }
                    }
                    break;
                case "columns":
                    problems.Add($"{Line(value)}columns: expected a mapping of column names");
                    break;
                case "allow_extra_columns":
                    allowExtra = Bool(value, "allow_extra_columns", problems) ?? true;
                    break;
                default:
                    problems.Add($"{Line(keyNode)}'{key}' is not a schema field: expected columns or allow_extra_columns");
                    break;
            }
        }
        if (problems.Count == 0)
        {
            problems.AddRange(SchemaRules.Validate(new DatasetSchema(columns, allowExtra)));
        }
        GyreException.ThrowIfAny(problems.Select(p => "schema: " + p).ToList());
        return new DatasetSchema(columns, allowExtra);
    }

    private static DeclaredColumn? ReadColumn(string name, YamlNode node, List<string> problems)
    {
        var field = $"columns.{name}";
        if (node is not YamlMappingNode mapping)
        {
            problems.Add($"{Line(node)}{field}: expected a mapping such as {{type: integer, role: feature}}");
            return null;
        }
        var column = new DeclaredColumn();
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = Scalar(keyNode);
            switch (key)
            {
                case "type":
                    column = column with { Type = Enum(value, $"{field}.type", ColumnTypeNames, problems) };
                    break;
                case "role":
                    column = column with { Role = Enum(value, $"{field}.role", RoleNames, problems) };
                    break;
                case "nullable":
                    column = column with { Nullable = Bool(value, $"{field}.nullable", problems) };
                    break;
                case "values" when value is YamlSequenceNode items:
                    column = column with { Values = items.Children.Select(item => Scalar(item)!).ToList() };
                    break;
                case "values":
                    problems.Add($"{Line(value)}{field}.values: expected a list such as [basic, pro]");
                    break;
                default:
                    problems.Add($"{Line(keyNode)}{field}: '{key}' is not a column field: expected one of {string.Join(", ", ColumnKeys)}");
                    break;
            }
        }
        return column;
    }

    private static readonly Dictionary<string, ColumnType> ColumnTypeNames =
        System.Enum.GetValues<ColumnType>().ToDictionary(SchemaRules.Wire, t => t);

    private static readonly Dictionary<string, ColumnRole> RoleNames =
        System.Enum.GetValues<ColumnRole>().ToDictionary(SchemaRules.Wire, r => r);

    private static T? Enum<T>(YamlNode node, string field, Dictionary<string, T> names, List<string> problems) where T : struct
    {
        if (Scalar(node) is { } text && names.TryGetValue(text, out var value))
        {
            return value;
        }
        problems.Add($"{Line(node)}{field}: expected one of {string.Join(", ", names.Keys)}, got '{Scalar(node)}'");
        return null;
    }

    private static bool? Bool(YamlNode node, string field, List<string> problems)
    {
        if (Scalar(node) is "true" or "false")
        {
            return Scalar(node) == "true";
        }
        problems.Add($"{Line(node)}{field}: expected true or false, got '{Scalar(node)}'");
        return null;
    }

    private static string? Scalar(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value : null;

    private static string Line(YamlNode node) => $"line {node.Start.Line}: ";
}
