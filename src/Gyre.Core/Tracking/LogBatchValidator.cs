using Gyre.Core.Naming;

namespace Gyre.Core.Tracking;

/// <summary>Checks a <see cref="LogBatch"/> against MLflow's limits and naming rules, collecting every problem.</summary>
public static class LogBatchValidator
{
    public static IReadOnlyList<string> Validate(LogBatch batch)
    {
        var problems = new List<string>();
        var (metrics, parameters, tags) = (batch.MetricList, batch.ParamList, batch.TagList);
        if (metrics.Count > LogBatch.MaxMetrics)
        {
            problems.Add($"metrics: {metrics.Count} given, at most {LogBatch.MaxMetrics} per request");
        }
        if (parameters.Count > LogBatch.MaxParams)
        {
            problems.Add($"params: {parameters.Count} given, at most {LogBatch.MaxParams} per request");
        }
        if (tags.Count > LogBatch.MaxTags)
        {
            problems.Add($"tags: {tags.Count} given, at most {LogBatch.MaxTags} per request");
        }
        var total = metrics.Count + parameters.Count + tags.Count;
        if (total > LogBatch.MaxItems)
        {
            problems.Add($"request holds {total} items, at most {LogBatch.MaxItems} in all");
        }
        if (problems.Count > 0)
        {
            return problems;
        }

        for (var i = 0; i < metrics.Count; i++)
        {
            if (metrics[i] is null)
            {
                problems.Add($"metrics[{i}]: expected an object {{key, value, step, timestamp}}, got null");
                continue;
            }
            Add(problems, Names.CheckKey($"metrics[{i}].key", metrics[i].Key));
            if (metrics[i].Timestamp < 0)
            {
                problems.Add($"metrics[{i}].timestamp: expected milliseconds since the Unix epoch, got {metrics[i].Timestamp}");
            }
        }
        var seenParams = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (p is null)
            {
                problems.Add($"params[{i}]: expected an object {{key, value}}, got null");
                continue;
            }
            Add(problems, Names.CheckKey($"params[{i}].key", p.Key));
            Add(problems, Names.CheckValue($"params[{i}].value", p.Value, TrackingLimits.MaxParamValueLength));
            if (p.Key is not null && p.Value is not null
                && seenParams.TryGetValue(p.Key, out var earlier) && earlier != p.Value)
            {
                problems.Add($"params[{i}].key: param '{p.Key}' appears twice with different values");
            }
            else if (p.Key is not null && p.Value is not null)
            {
                seenParams[p.Key] = p.Value;
            }
        }
        Tags.Check("tags", tags, problems);
        return problems;
    }

    private static void Add(List<string> problems, string? problem) => Names.AddIf(problems, problem);
}
