using System.Text.Json;
using System.Text.Json.Nodes;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Core.Data.Validation;

/// <summary>Reads a validation suite file, JSON or YAML (<c>{constraints: [{type, column, ...}]}</c>), as the CLI and pipelines take it.</summary>
public static class SuiteFiles
{
    public static ValidationSuite Parse(string text, string path, string field)
    {
        try
        {
            var json = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || text.TrimStart().StartsWith('{');
            var node = json ? JsonNode.Parse(text) : YamlNodes.ToJson(YamlNodes.LoadMapping(text, field, "constraints"));
            return node.Deserialize<ValidationSuite>(GyreJson.Options) ?? throw GyreException.Invalid($"{field}: {path} holds no suite");
        }
        catch (JsonException e)
        {
            throw GyreException.Invalid($"{field}: {path}: not a suite at {e.Path ?? "$"}: {e.Message.Split(". ")[0]}");
        }
    }
}
