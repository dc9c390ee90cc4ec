using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Errors;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gyre.Core.Data.Schemas;

/// <summary>What Gyre's YAML files (schemas, pipelines, policies) share: loading a guarded mapping, finding a key, naming a line.</summary>
public static class YamlNodes
{
    /// <summary>The document's root mapping, after <see cref="YamlGuard"/>; a syntax error is a 400 with its line.</summary>
    public static YamlMappingNode LoadMapping(string text, string field, string expected)
    {
        try
        {
            YamlGuard.Check(text, field);
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode mapping
                ? mapping
                : throw GyreException.Invalid($"{field}: expected a YAML mapping with {expected}");
        }
        catch (YamlException e)
        {
            throw GyreException.Invalid($"{field}: line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }
    }

    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(p => p.Key is YamlScalarNode s && s.Value == key).Value;

    /// <summary>The prefix every problem starts with: <c>line N: </c>.</summary>
    public static string Line(YamlNode node) => $"line {node.Start.Line}: ";

    /// <summary>A YAML node as JSON: plain scalars that read as numbers or booleans become them, for files that may be either.</summary>
    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode s => Scalar(s),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(ToJson)]),
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        _ => null,
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.Plain)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
            {
                return JsonValue.Create(d);
            }
            if (text is "true" or "false")
            {
                return JsonValue.Create(text == "true");
            }
        }
        return JsonValue.Create(text);
    }
}
