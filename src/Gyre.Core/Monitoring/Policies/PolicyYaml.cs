using System.Globalization;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Traffic;
using YamlDotNet.RepresentationModel;

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// Reads a policy file:
/// <code>
/// name: churn-decay
/// endpoint: churn
/// when:                        # any of these (match: all for every one)
///   - dataset_drift: true
///   - {feature: tenure, above: 0.2}
///   - sequential_drift: true   # or the statistic: {sequential_drift: tenure}
///   - {estimated: accuracy, below: 0.8}   # performance estimated without labels (CBPE)
///   - multivariate_drift: true             # the PCA reconstruction error outside the reference's band
///   - {metric: accuracy, below: 0.8, min_labelled: 200, seconds: 3600}
///   - {error_rate: 0.05, seconds: 300}
///   - {no_traffic: 600}
/// then:
///   - {run_pipeline: churn-retrain}
///   - {webhook: https://hooks.example/gyre, retries: 3}
///   - rollback
/// cooldown_seconds: 3600
/// </code>
/// Every problem is reported at once with its line.
/// </summary>
public static class PolicyYaml
{
    private static readonly string[] RootKeys = ["name", "endpoint", "when", "match", "then", "cooldown_seconds"];

    public static PolicyDefinition Parse(string text)
    {
        var root = YamlNodes.LoadMapping(text, "policy", "name, endpoint, when and then");
        var problems = new List<string>();
        foreach (var key in root.Children.Keys.Select(k => (YamlScalarNode)k).Where(k => !RootKeys.Contains(k.Value)))
        {
            problems.Add($"{Line(key)}{key.Value}: unknown key; expected one of {string.Join(", ", RootKeys)}");
        }
        var name = Text(root, "name", problems, required: true) ?? "";
        if (name.Length > 0 && EndpointNames.Check("name", name, "a policy") is { } badName)
        {
            problems.Add(badName);
        }
        var endpoint = Text(root, "endpoint", problems, required: true) ?? "";
        if (endpoint.Length > 0 && EndpointNames.Check("endpoint", endpoint) is { } badEndpoint)
        {
            problems.Add(badEndpoint);
        }
        var match = Text(root, "match", problems) ?? "any";
        if (match is not ("any" or "all"))
        {
            problems.Add($"{Line(Child(root, "match")!)}match: expected any or all, got '{match}'");
        }
        var cooldown = PolicyDefinition.DefaultCooldownSeconds;
        if (Text(root, "cooldown_seconds", problems) is { } c && (!double.TryParse(c, NumberStyles.Float, CultureInfo.InvariantCulture, out cooldown) || cooldown is < 0 or > 30 * 86400))
        {
            problems.Add($"{Line(Child(root, "cooldown_seconds")!)}cooldown_seconds: expected 0 to {30 * 86400}, got '{c}'");
        }
        var conditions = Items(root, "when", problems).Select(i => Condition(i, problems)).OfType<PolicyCondition>().ToList();
        var actions = Items(root, "then", problems).Select(i => Action(i, problems)).OfType<PolicyAction>().ToList();
        GyreException.ThrowIfAny(problems);
        return new PolicyDefinition(name, endpoint, conditions, match == "all", actions, cooldown);
    }

    private static PolicyCondition? Condition(YamlNode node, List<string> problems)
    {
        var map = node as YamlMappingNode;
        var at = Line(node);
        double? Number(string key)
        {
            if (map is null || Child(map, key) is not YamlScalarNode s)
            {
                return null;
            }
            if (double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0)
            {
                return v;
            }
            problems.Add($"{Line(s)}when.{key}: expected a non-negative number, got '{s.Value}'");
            return null;
        }
        if (map is null)
        {
            problems.Add($"{at}when: each condition is a mapping, such as {{dataset_drift: true}}");
            return null;
        }
        var kinds = map.Children.Keys.Select(k => ((YamlScalarNode)k).Value).ToList();
        if (kinds.Contains("dataset_drift"))
        {
            return new PolicyCondition(PolicyKinds.DatasetDrift);
        }
        if (kinds.Contains("sequential_drift"))
        {
            var statistic = (Child(map, "sequential_drift") as YamlScalarNode)?.Value;
            return statistic is null or "" or "false"
                ? Problem($"{at}when.sequential_drift: expected true (any statistic) or a statistic's name (a feature, or prediction)")
                : new PolicyCondition(PolicyKinds.SequentialDrift, Feature: statistic == "true" ? null : statistic);
        }
        if (kinds.Contains("multivariate_drift"))
        {
            return (Child(map, "multivariate_drift") as YamlScalarNode)?.Value == "true"
                ? new PolicyCondition(PolicyKinds.MultivariateDrift)
                : Problem($"{at}when.multivariate_drift: expected true");
        }
        if (kinds.Contains("feature_skew"))
        {
            var feature = (Child(map, "feature_skew") as YamlScalarNode)?.Value;
            return feature is null or "" or "false"
                ? Problem($"{at}when.feature_skew: expected true (any looked-up feature) or a feature's name, with above: the share of predictions that may differ (default 0)")
                : new PolicyCondition(PolicyKinds.FeatureSkew, Feature: feature == "true" ? null : feature, Value: Number("above") ?? 0);
        }
        if (kinds.Contains("estimated"))
        {
            var metric = (Child(map, "estimated") as YamlScalarNode)?.Value;
            var known = Performance.Cbpe.MetricNames.Union(Performance.Cbpe.MulticlassMetricNames).Union(Performance.Cbpe.RegressionMetricNames).ToList();
            if (metric is null || !known.Contains(metric))
            {
                return Problem($"{at}when.estimated: expected one of {string.Join(", ", known)}, got '{metric}'");
            }
            return Bound("an estimated") is var (value, isBelow)
                ? new PolicyCondition(PolicyKinds.Estimated, Metric: metric, Value: value, Below: isBelow)
                : null;
        }
        if (kinds.Contains("feature"))
        {
            var feature = (Child(map, "feature") as YamlScalarNode)?.Value;
            return Number("above") is { } above && feature is not null ? new PolicyCondition(PolicyKinds.FeatureDrift, Feature: feature, Value: above)
                : Problem($"{at}when: a feature condition is {{feature: NAME, above: VALUE}}");
        }
        if (kinds.Contains("metric"))
        {
            var metric = (Child(map, "metric") as YamlScalarNode)?.Value;
            if (metric is not ("accuracy" or "rmse"))
            {
                return Problem($"{at}when.metric: expected accuracy or rmse, got '{metric}'");
            }
            return Bound("a metric") is var (threshold, below)
                ? new PolicyCondition(PolicyKinds.Metric, Metric: metric, Value: threshold, Below: below,
                    MinLabelled: (int)(Number("min_labelled") ?? 100), Seconds: Number("seconds") ?? 3600)
                : null;
        }
        if (kinds.Contains("error_rate"))
        {
            var seconds = Number("seconds") ?? 300;
            if (seconds is <= 0 or > TrafficHistory.KeptMs / 1000)
            {
                return Problem($"{at}when.seconds: an error_rate looks back more than 0 and at most {TrafficHistory.KeptMs / 1000} s (the traffic a server keeps), got {seconds}");
            }
            return Number("error_rate") is { } rate ? new PolicyCondition(PolicyKinds.ErrorRate, Value: rate, Seconds: seconds) : null;
        }
        if (kinds.Contains("no_traffic"))
        {
            return Number("no_traffic") is { } seconds and > 0 ? new PolicyCondition(PolicyKinds.NoTraffic, Seconds: seconds) : Problem($"{at}when.no_traffic: expected seconds above 0");
        }
        return Problem($"{at}when: unknown condition; expected one of {string.Join(", ", PolicyKinds.Conditions)}");

        // A condition's bound: below or above a value (one of them).
        (double Value, bool Below)? Bound(string condition)
        {
            var below = Number("below");
            var above = Number("above");
            if ((below is null) == (above is null))
            {
                problems.Add($"{at}when: {condition} condition has below or above (one of them)");
                return null;
            }
            return (below ?? above!.Value, below is not null);
        }

        PolicyCondition? Problem(string message)
        {
            problems.Add(message);
            return null;
        }
    }

    private static PolicyAction? Action(YamlNode node, List<string> problems)
    {
        var at = Line(node);
        if (node is YamlScalarNode { Value: "rollback" })
        {
            return new PolicyAction(PolicyKinds.Rollback);
        }
        if (node is YamlMappingNode map)
        {
            if (Child(map, "run_pipeline") is YamlScalarNode { Value: { Length: > 0 } pipeline })
            {
                return new PolicyAction(PolicyKinds.RunPipeline, pipeline);
            }
            if (Child(map, "webhook") is YamlScalarNode { Value: { } url })
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    problems.Add($"{at}then.webhook: expected an http or https URL, got '{url}'");
                    return null;
                }
                var retries = 3;
                if (Child(map, "retries") is YamlScalarNode r && (!int.TryParse(r.Value, NumberStyles.None, CultureInfo.InvariantCulture, out retries) || retries > 10))
                {
                    problems.Add($"{Line(r)}then.retries: expected 0 to 10, got '{r.Value}'");
                }
                return new PolicyAction(PolicyKinds.Webhook, url, retries);
            }
            if (Child(map, "rollback") is not null)
            {
                return new PolicyAction(PolicyKinds.Rollback);
            }
        }
        problems.Add($"{at}then: unknown action; expected {{run_pipeline: NAME}}, {{webhook: URL, retries: N}} or rollback");
        return null;
    }

    private static IEnumerable<YamlNode> Items(YamlMappingNode root, string key, List<string> problems)
    {
        if (Child(root, key) is YamlSequenceNode { Children.Count: > 0 } list)
        {
            return list.Children;
        }
        problems.Add($"{Line(Child(root, key) ?? root)}{key}: expected a list of {(key == "when" ? "conditions" : "actions")}");
        return [];
    }

    private static string? Text(YamlMappingNode map, string key, List<string> problems, bool required = false)
    {
        switch (Child(map, key))
        {
            case YamlScalarNode s:
                return s.Value;
            case null when required:
                problems.Add($"{Line(map)}{key}: required");
                return null;
            case null:
                return null;
            case var other:
                problems.Add($"{Line(other)}{key}: expected a single value");
                return null;
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) => YamlNodes.Child(map, key);

    private static string Line(YamlNode node) => YamlNodes.Line(node);
}
