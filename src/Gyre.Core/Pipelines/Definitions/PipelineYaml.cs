using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Pipelines.Steps;
using YamlDotNet.RepresentationModel;

namespace Gyre.Core.Pipelines.Definitions;

/// <summary>
/// Reads and checks a pipeline file before anything runs: unknown keys and step types, missing or
/// unknown <c>needs</c>, cycles, parameters of the wrong type, <c>${params.NAME}</c> references to
/// undeclared parameters, bad triggers. Every problem is reported at once, each with its line.
/// <c>overrides</c> replace declared parameters' values (converted to their type).
/// </summary>
public static partial class PipelineYaml
{
    public const int MaxSteps = 200;

    private static readonly string[] RootKeys = ["name", "description", "params", "steps", "triggers", "concurrency", "max_parallel"];
    private static readonly string[] StepKeys = ["id", "uses", "needs", "with", "retries", "retry_delay_seconds", "timeout_seconds", "cache"];
    private static readonly string[] TriggerKeys = ["schedule", "dataset", "feedback"];

    public static PipelineDefinition Parse(string text, IReadOnlyDictionary<string, IStepType> types, IReadOnlyDictionary<string, string>? overrides = null)
    {
        var root = YamlNodes.LoadMapping(text, "pipeline", "'name' and 'steps'");
        var problems = new List<string>();
        Unknown(root, RootKeys, "", problems);
        var name = Scalar(root, "name", problems, required: true) ?? "";
        if (name.Length > 0 && Pipelines.PipelineNames.Check("name", name) is { } badName)
        {
            problems.Add($"{Line(Child(root, "name")!)}{badName}");
        }
        var parameters = ReadParams(Child(root, "params"), overrides ?? new Dictionary<string, string>(), problems);
        var steps = ReadSteps(Child(root, "steps"), types, parameters, problems);
        var triggers = ReadTriggers(Child(root, "triggers"), problems);
        var concurrency = Scalar(root, "concurrency", problems) ?? ConcurrencyPolicies.Skip;
        if (!ConcurrencyPolicies.All.Contains(concurrency))
        {
            problems.Add($"{Line(Child(root, "concurrency")!)}concurrency: expected {string.Join(" or ", ConcurrencyPolicies.All)}, got '{concurrency}'");
        }
        var maxParallel = PipelineDefinition.DefaultMaxParallel;
        if (Child(root, "max_parallel") is { } parallelNode)
        {
            maxParallel = (int)(Convert(parallelNode, ParameterKind.Integer, "max_parallel", parameters, problems)?.GetValue<long>() ?? maxParallel);
            if (maxParallel is < 1 or > 16)
            {
                problems.Add($"{Line(parallelNode)}max_parallel: expected 1 to 16, got {maxParallel}");
            }
        }
        if (problems.Count == 0)
        {
            PipelineGraph.CheckAcyclic(steps, problems);
        }
        GyreException.ThrowIfAny(problems);
        return new PipelineDefinition(name, Scalar(root, "description", problems), parameters, steps, triggers, concurrency, maxParallel);
    }

    private static Dictionary<string, JsonNode?> ReadParams(YamlNode? node, IReadOnlyDictionary<string, string> overrides, List<string> problems)
    {
        var parameters = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        if (node is not null and not YamlMappingNode)
        {
            problems.Add($"{Line(node)}params: expected a mapping of names to values");
        }
        foreach (var (keyNode, value) in (node as YamlMappingNode)?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!ParamName().IsMatch(key))
            {
                problems.Add($"{Line(keyNode)}params.{key}: names are letters, digits and '_', starting with a letter");
            }
            parameters[key] = YamlNodes.ToJson(value);
        }
        foreach (var (key, text) in overrides)
        {
            if (!parameters.TryGetValue(key, out var declared))
            {
                problems.Add($"params.{key}: not declared in the file; expected one of {Join(parameters.Keys)}");
                continue;
            }
            parameters[key] = declared switch
            {
                JsonValue v when v.TryGetValue<double>(out _) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? JsonValue.Create(d) : Problem($"params.{key}: expected a number, got '{text}'"),
                JsonValue v when v.TryGetValue<bool>(out _) => bool.TryParse(text, out var b)
                    ? JsonValue.Create(b) : Problem($"params.{key}: expected true or false, got '{text}'"),
                JsonValue or null => JsonValue.Create(text),
                _ => Problem($"params.{key}: a list or mapping cannot be set from the command line"),
            };
        }
        return parameters;

        JsonNode? Problem(string message)
        {
            problems.Add(message);
            return null;
        }
    }

    private static List<PipelineStep> ReadSteps(YamlNode? node, IReadOnlyDictionary<string, IStepType> types, Dictionary<string, JsonNode?> parameters, List<string> problems)
    {
        var steps = new List<PipelineStep>();
        if (node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            problems.Add($"{(node is null ? "" : Line(node))}steps: expected a list of steps, each {{id, uses, needs?, with?}}");
            return steps;
        }
        if (sequence.Children.Count > MaxSteps)
        {
            problems.Add($"{Line(sequence)}steps: at most {MaxSteps} steps, got {sequence.Children.Count}");
            return steps;
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in sequence.Children)
        {
            if (item is not YamlMappingNode map)
            {
                problems.Add($"{Line(item)}steps: each step is a mapping {{id, uses, needs?, with?}}");
                continue;
            }
            var id = Scalar(map, "id", problems, required: true, prefix: "steps[].") ?? "";
            var field = $"steps.{(id.Length > 0 ? id : "?")}";
            if (id.Length > 0 && !StepId().IsMatch(id))
            {
                problems.Add($"{Line(Child(map, "id")!)}{field}.id: expected letters, digits, '-' and '_', starting with a letter, at most 64");
            }
            else if (id.Length > 0 && !ids.Add(id))
            {
                problems.Add($"{Line(Child(map, "id")!)}{field}: the id '{id}' is used by another step");
            }
            Unknown(map, StepKeys, field + ".", problems);
            var uses = Scalar(map, "uses", problems, required: true, prefix: field + ".") ?? "";
            types.TryGetValue(uses, out var type);
            if (uses.Length > 0 && type is null)
            {
                problems.Add($"{Line(Child(map, "uses")!)}{field}.uses: unknown step type '{uses}'; expected one of {Join(types.Keys)}");
            }
            var needs = ReadNeeds(Child(map, "needs"), field, problems);
            var with = type is null ? [] : ReadWith(Child(map, "with"), map, type, field, parameters, problems);
            var retries = Optional(map, "retries", ParameterKind.Integer, field, parameters, problems)?.GetValue<long>() ?? 0;
            if (retries is < 0 or > PipelineStep.MaxRetries)
            {
                problems.Add($"{Line(Child(map, "retries")!)}{field}.retries: expected 0 to {PipelineStep.MaxRetries}, got {retries}");
            }
            var delay = Optional(map, "retry_delay_seconds", ParameterKind.Number, field, parameters, problems)?.GetValue<double>() ?? PipelineStep.DefaultRetryDelaySeconds;
            var timeout = Optional(map, "timeout_seconds", ParameterKind.Number, field, parameters, problems)?.GetValue<double>();
            if (delay is < 0 or > 86_400 || timeout is <= 0 or > 7 * 86_400)
            {
                problems.Add($"{Line(map)}{field}: retry_delay_seconds is 0 to 86400 and timeout_seconds above 0 and at most 604800 (a week)");
            }
            var cache = Optional(map, "cache", ParameterKind.Boolean, field, parameters, problems)?.GetValue<bool>() ?? true;
            steps.Add(new PipelineStep(id, uses, needs, with, (int)retries, delay, timeout, cache, (int)map.Start.Line));
        }
        foreach (var step in steps)
        {
            foreach (var need in step.Needs.Where(n => !ids.Contains(n)))
            {
                problems.Add($"line {step.Line}: steps.{step.Id}.needs: '{need}' is not a step; expected one of {Join(ids)}");
            }
            if (step.Needs.Contains(step.Id))
            {
                problems.Add($"line {step.Line}: steps.{step.Id}.needs: a step cannot need itself");
            }
        }
        return steps;
    }

    private static List<string> ReadNeeds(YamlNode? node, string field, List<string> problems)
    {
        switch (node)
        {
            case null:
                return [];
            case YamlScalarNode { Value: { } one }:
                return [one];
            case YamlSequenceNode list when list.Children.All(c => c is YamlScalarNode):
                return [.. list.Children.Select(c => ((YamlScalarNode)c).Value ?? "")];
            default:
                problems.Add($"{Line(node)}{field}.needs: expected a list of step ids");
                return [];
        }
    }

    private static JsonObject ReadWith(YamlNode? node, YamlMappingNode step, IStepType type, string field, Dictionary<string, JsonNode?> parameters, List<string> problems)
    {
        var with = new JsonObject();
        if (node is not null and not YamlMappingNode)
        {
            problems.Add($"{Line(node)}{field}.with: expected a mapping of parameters");
        }
        var map = node as YamlMappingNode;
        var known = type.Parameters.ToDictionary(p => p.Name, StringComparer.Ordinal);
        foreach (var (keyNode, value) in map?.Children ?? Enumerable.Empty<KeyValuePair<YamlNode, YamlNode>>())
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!known.TryGetValue(key, out var parameter))
            {
                problems.Add($"{Line(keyNode)}{field}.with.{key}: '{type.Name}' has no such parameter; expected one of {Join(known.Keys)}");
                continue;
            }
            if (Convert(value, parameter.Kind, $"{field}.with.{key}", parameters, problems) is { } converted)
            {
                with[key] = converted;
            }
        }
        var before = problems.Count;
        foreach (var missing in type.Parameters.Where(p => p.Required && !with.ContainsKey(p.Name)))
        {
            problems.Add($"{Line(node ?? step)}{field}.with.{missing.Name}: required ({missing.Help})");
        }
        if (problems.Count == before)
        {
            var line = Line(node ?? step);
            problems.AddRange(type.Check(with).Select(p => $"{line}{field}.with.{p}"));
        }
        return with;
    }

    private static PipelineTriggers ReadTriggers(YamlNode? node, List<string> problems)
    {
        if (node is null)
        {
            return new PipelineTriggers();
        }
        if (node is not YamlMappingNode map)
        {
            problems.Add($"{Line(node)}triggers: expected a mapping with schedule, dataset or feedback");
            return new PipelineTriggers();
        }
        Unknown(map, TriggerKeys, "triggers.", problems);
        var schedule = Scalar(map, "schedule", problems, prefix: "triggers.");
        if (schedule is not null && Triggers.CronSchedule.Check(schedule) is { } badCron)
        {
            problems.Add($"{Line(Child(map, "schedule")!)}triggers.schedule: {badCron}");
        }
        var dataset = Scalar(map, "dataset", problems, prefix: "triggers.");
        string? endpoint = null;
        int? count = null;
        if (Child(map, "feedback") is { } feedback)
        {
            if (feedback is YamlMappingNode f && Child(f, "endpoint") is YamlScalarNode e && Child(f, "count") is YamlScalarNode c
                && int.TryParse(c.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && f.Children.Count == 2)
            {
                (endpoint, count) = (e.Value, n);
            }
            else
            {
                problems.Add($"{Line(feedback)}triggers.feedback: expected {{endpoint: NAME, count: N}} with N a positive whole number");
            }
        }
        return new PipelineTriggers(schedule, dataset, endpoint, count);
    }

    private static JsonNode? Optional(YamlMappingNode map, string key, ParameterKind kind, string field, Dictionary<string, JsonNode?> parameters, List<string> problems) =>
        Child(map, key) is { } node ? Convert(node, kind, $"{field}.{key}", parameters, problems) : null;

    private static string? Scalar(YamlMappingNode map, string key, List<string> problems, bool required = false, string prefix = "")
    {
        switch (Child(map, key))
        {
            case null when required:
                problems.Add($"{Line(map)}{prefix}{key}: required");
                return null;
            case null:
                return null;
            case YamlScalarNode scalar:
                return scalar.Value;
            case var other:
                problems.Add($"{Line(other)}{prefix}{key}: expected a single value");
                return null;
        }
    }

    private static void Unknown(YamlMappingNode map, string[] keys, string prefix, List<string> problems)
    {
        foreach (var keyNode in map.Children.Keys)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!keys.Contains(key))
            {
                problems.Add($"{Line(keyNode)}{prefix}{key}: unknown key; expected one of {string.Join(", ", keys)}");
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => YamlNodes.Child(map, key);

    private static string Line(YamlNode node) => YamlNodes.Line(node);

    private static string Join(IEnumerable<string> names) => string.Join(", ", names.Order(StringComparer.Ordinal));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,63}$")]
    private static partial Regex ParamName();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]{0,63}$")]
    private static partial Regex StepId();
}
