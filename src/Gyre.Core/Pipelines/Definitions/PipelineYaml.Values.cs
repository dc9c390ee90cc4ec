using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gyre.Core.Pipelines.Steps;
using YamlDotNet.RepresentationModel;

namespace Gyre.Core.Pipelines.Definitions;

/// <summary>Typed values: a YAML node converted to the kind a parameter expects, with <c>${params.NAME}</c> substituted first.</summary>
public static partial class PipelineYaml
{
    private static JsonNode? Convert(YamlNode node, ParameterKind kind, string field, Dictionary<string, JsonNode?> parameters, List<string> problems)
    {
        var before = problems.Count;
        if (node is YamlScalarNode reference && Reference().Match(reference.Value ?? "") is { Success: true } match && match.Length == reference.Value!.Length
            && parameters.TryGetValue(match.Groups[1].Value, out var whole) && whole is JsonArray or JsonObject)
        {
            // A list or mapping parameter used whole: its items must have the kind's type.
            return Typed(whole, kind) ?? Problem($"{Line(node)}{field}: expected {Describe(kind)}, and the parameter '{match.Groups[1].Value}' is {(whole is JsonArray ? "a list" : "a mapping")} that is not");
        }
        var result = kind switch
        {
            ParameterKind.Strings or ParameterKind.Numbers => List(node, kind == ParameterKind.Strings ? ParameterKind.String : ParameterKind.Number),
            ParameterKind.NumberMap or ParameterKind.StringMap => Map(node, kind == ParameterKind.NumberMap ? ParameterKind.Number : ParameterKind.String),
            ParameterKind.Command when node is YamlSequenceNode => List(node, ParameterKind.String),
            _ => One(node, kind == ParameterKind.Command ? ParameterKind.String : kind, field),
        };
        return problems.Count == before ? result : null;

        JsonNode? Problem(string message)
        {
            problems.Add(message);
            return null;
        }

        JsonArray? List(YamlNode list, ParameterKind item)
        {
            if (list is YamlScalarNode && item == ParameterKind.String)
            {
                return One(list, item, field) is { } single ? [single] : null;
            }
            if (list is not YamlSequenceNode sequence)
            {
                problems.Add($"{Line(list)}{field}: expected a list of {Describe(item)}s");
                return null;
            }
            var array = new JsonArray();
            foreach (var child in sequence.Children)
            {
                array.Add(One(child, item, field));
            }
            return array;
        }

        JsonObject? Map(YamlNode map, ParameterKind item)
        {
            if (map is not YamlMappingNode mapping)
            {
                problems.Add($"{Line(map)}{field}: expected a mapping of names to {Describe(item)}s");
                return null;
            }
            var obj = new JsonObject();
            foreach (var (key, value) in mapping.Children)
            {
                obj[((YamlScalarNode)key).Value ?? ""] = One(value, item, $"{field}.{((YamlScalarNode)key).Value}");
            }
            return obj;
        }

        JsonNode? One(YamlNode value, ParameterKind item, string at)
        {
            if (value is not YamlScalarNode scalar)
            {
                problems.Add($"{Line(value)}{at}: expected {Describe(item)}");
                return null;
            }
            var text = Substitute(scalar, at, parameters, problems, out var whole);
            if (text is null)
            {
                return whole?.DeepClone();
            }
            switch (item)
            {
                case ParameterKind.Number when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d):
                    return JsonValue.Create(d);
                case ParameterKind.Integer when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l):
                    return JsonValue.Create(l);
                case ParameterKind.Boolean when bool.TryParse(text, out var b):
                    return JsonValue.Create(b);
                case ParameterKind.String:
                    return JsonValue.Create(text);
                default:
                    problems.Add($"{Line(value)}{at}: expected {Describe(item)}, got '{text}'");
                    return null;
            }
        }
    }

    /// <summary>
    /// The scalar's text with <c>${params.NAME}</c> replaced. A scalar that is one reference and
    /// nothing else takes the parameter's value whole (a list stays a list): returned in <paramref name="whole"/>.
    /// </summary>
    private static string? Substitute(YamlScalarNode scalar, string field, Dictionary<string, JsonNode?> parameters, List<string> problems, out JsonNode? whole)
    {
        whole = null;
        var text = scalar.Value ?? "";
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return text;
        }
        var reference = Reference().Match(text);
        if (reference.Success && reference.Length == text.Length && parameters.TryGetValue(reference.Groups[1].Value, out var value) && value is not JsonValue)
        {
            whole = value;
            return null;
        }
        return Reference().Replace(text, m =>
        {
            if (!parameters.TryGetValue(m.Groups[1].Value, out var p))
            {
                problems.Add($"{Line(scalar)}{field}: '{m.Value}' names no parameter; declared: {Join(parameters.Keys)}");
                return m.Value;
            }
            return p is JsonValue v && v.TryGetValue<string>(out var s) ? s : p?.ToJsonString() ?? "";
        });
    }

    private static string Describe(ParameterKind kind) => kind switch
    {
        ParameterKind.Number => "a number",
        ParameterKind.Integer => "a whole number",
        ParameterKind.Boolean => "true or false",
        ParameterKind.Strings or ParameterKind.Command => "a list of strings",
        ParameterKind.Numbers => "a list of numbers",
        ParameterKind.NumberMap => "a mapping of names to numbers",
        ParameterKind.StringMap => "a mapping of names to strings",
        _ => "a string",
    };

    /// <summary>A list or mapping parameter's value as the kind wants it, or null when its items do not fit.</summary>
    private static JsonNode? Typed(JsonNode value, ParameterKind kind)
    {
        static JsonNode? Text(JsonNode? item) => item is JsonValue v ? JsonValue.Create(v.TryGetValue<string>(out var s) ? s : v.ToJsonString()) : null;
        static JsonNode? Number(JsonNode? item) => item is JsonValue v && v.TryGetValue<double>(out var d) ? JsonValue.Create(d) : null;
        JsonNode? Items(Func<JsonNode?, JsonNode?> convert)
        {
            switch (value)
            {
                case JsonArray array when kind is ParameterKind.Strings or ParameterKind.Numbers or ParameterKind.Command:
                    var items = array.Select(convert).ToList();
                    return items.Any(i => i is null) ? null : new JsonArray([.. items]);
                case JsonObject map when kind is ParameterKind.NumberMap or ParameterKind.StringMap:
                    var pairs = map.Select(p => KeyValuePair.Create(p.Key, convert(p.Value))).ToList();
                    return pairs.Any(p => p.Value is null) ? null : new JsonObject(pairs);
                default:
                    return null;
            }
        }
        return kind is ParameterKind.Numbers or ParameterKind.NumberMap ? Items(Number) : Items(Text);
    }

    [GeneratedRegex(@"\$\{params\.([A-Za-z][A-Za-z0-9_]*)\}")]
    private static partial Regex Reference();
}
