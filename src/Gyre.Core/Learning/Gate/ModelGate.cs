using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Models;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Core.Learning.Gate;

/// <summary>
/// The champion/challenger gate: scores the candidate and the baseline (the version behind the
/// <c>champion</c> alias) on the same test data, judges the candidate with MLflow's threshold
/// semantics and, optionally, slice by slice, and stores the verdict with the candidate (tags
/// <c>gyre.gate</c> and <c>gyre.gate.verdict</c>). With no baseline, only absolute thresholds apply.
/// </summary>
public sealed class ModelGate(IRegistryStore registry, IDatasetStore datasets, IDatasetObjectStore objects, ModelImport packages, IModelScorer scorer, TimeProvider time)
{
    public const string DefaultBaseline = "champion";
    public const string VerdictTag = "gyre.gate";
    public const string VerdictJsonTag = "gyre.gate.verdict";

    public async Task<GateVerdict> EvaluateAsync(string name, long version, GateRequest request, CancellationToken ct)
    {
        Check(request);
        var candidate = await registry.GetVersionAsync(name, version, ct);
        var package = await packages.GetPackageAsync(name, version, ct);
        var baseline = await BaselineAsync(name, request.Baseline ?? DefaultBaseline, ct);
        if (baseline?.Version == candidate.Version)
        {
            throw GyreException.Invalid($"baseline: version {version} is itself the '{request.Baseline ?? DefaultBaseline}'; gate a newer version against it");
        }
        var test = await TestDataAsync(request, candidate, ct);
        var label = request.Label ?? package.Label
            ?? throw GyreException.Invalid("label: name the label column of the test data (the package does not say which it is)");
        CheckColumns(test, (request.Label is null ? "package label" : "label", label), ("slice_column", request.SliceColumn));
        var task = package.Task ?? throw GyreException.Invalid($"package: {name}/{version} has no task; import it with one to gate it");
        // Checked before either model is scored.
        var unknown = request.Thresholds!.Select(t => t.Metric!).Where(m => !TaskMetrics.Names(task).Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw GyreException.Invalid($"thresholds: {string.Join(", ", unknown.Select(m => $"'{m}'"))} is not a {task} metric; expected one of {string.Join(", ", TaskMetrics.Names(task))}");
        }

        var (candidateMetrics, candidateSlices) = await EvaluateAsync(candidate, package, test, task, label, request.SliceColumn, ct);
        Dictionary<string, double>? baselineMetrics = null;
        Dictionary<string, Dictionary<string, double>>? baselineSlices = null;
        if (baseline is not null)
        {
            var baselinePackage = await packages.GetPackageAsync(name, baseline.Version, ct);
            (baselineMetrics, baselineSlices) = await EvaluateAsync(baseline, baselinePackage, test, task, label, request.SliceColumn, ct);
        }
        var checks = GateJudge.Judge(request.Thresholds!, candidateMetrics, baselineMetrics);
        if (request.SliceColumn is { } sliceColumn && baselineSlices is not null)
        {
            checks.AddRange(SliceChecks(request.Thresholds![0], sliceColumn, request.MaxSliceDrop!.Value, candidateSlices!, baselineSlices));
        }
        var verdict = new GateVerdict(name, version, baseline?.Version, $"{test.Name}@{test.Version}", checks.All(c => c.Passed), checks,
            candidateMetrics, baselineMetrics, time.GetUtcNow().ToUnixTimeMilliseconds());
        await registry.SetVersionTagAsync(name, version, new Tag(VerdictTag, verdict.Passed ? "passed" : "failed"), ct);
        await registry.SetVersionTagAsync(name, version, new Tag(VerdictJsonTag, Compact(verdict)), ct);
        return verdict;
    }

    /// <summary>The task's metrics of a version on a dataset version (a pipeline's evaluate step); the label defaults to the package's.</summary>
    public async Task<IReadOnlyDictionary<string, double>> MetricsAsync(string name, long version, DatasetVersion test, string? label, CancellationToken ct)
    {
        var model = await registry.GetVersionAsync(name, version, ct);
        var package = await packages.GetPackageAsync(name, version, ct);
        var task = package.Task ?? throw GyreException.Invalid($"model: {name}/{version} has no task; import it with one to evaluate it");
        label ??= package.Label ?? throw GyreException.Invalid("label: name the label column of the test data (the package does not say which it is)");
        CheckColumns(test, ("label", label));
        return (await EvaluateAsync(model, package, test, task, label, null, ct)).Overall;
    }

    private static void Check(GateRequest request)
    {
        var problems = new List<string>();
        if (request.Thresholds is not { Count: > 0 } thresholds)
        {
            problems.Add("thresholds: expected at least one {metric, threshold?, min_absolute_change?, min_relative_change?}");
        }
        else
        {
            for (var i = 0; i < thresholds.Count; i++)
            {
                if (thresholds[i] is not { } t)
                {
                    problems.Add($"thresholds[{i}]: expected {{metric, threshold?, min_absolute_change?, min_relative_change?}}, got null");
                    continue;
                }
                if (string.IsNullOrEmpty(t.Metric))
                {
                    problems.Add($"thresholds[{i}].metric: expected a metric name such as auc or rmse");
                }
                if (t.Threshold is null && t.MinAbsoluteChange is null && t.MinRelativeChange is null)
                {
                    problems.Add($"thresholds[{i}]: set threshold, min_absolute_change or min_relative_change");
                }
                if (t.MinAbsoluteChange is < 0 || t.MinRelativeChange is < 0)
                {
                    problems.Add($"thresholds[{i}]: min_absolute_change and min_relative_change must not be negative");
                }
            }
        }
        if ((request.SliceColumn is null) != (request.MaxSliceDrop is null) || request.MaxSliceDrop is < 0)
        {
            problems.Add("max_slice_drop: give slice_column and a non-negative max_slice_drop together");
        }
        GyreException.ThrowIfAny(problems);
    }

    /// <summary>Each named column must be in the test data, so that reading it cannot fail later, after a model was scored.</summary>
    private static void CheckColumns(DatasetVersion test, params (string Field, string? Column)[] named)
    {
        // As the scorer's SQL reads them: names match whatever their case.
        var present = test.Columns.Select(c => c.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        GyreException.ThrowIfAny([.. named.Where(n => n.Column is not null && !present.Contains(n.Column))
            .Select(n => $"{n.Field}: '{n.Column}' is not a column of the test data {test.Name}@{test.Version} (its columns: {string.Join(", ", test.Columns.Select(c => c.Name))})")]);
    }

    private async Task<ModelVersion?> BaselineAsync(string name, string alias, CancellationToken ct)
    {
        try
        {
            return await registry.GetVersionByAliasAsync(name, alias, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>The test data named in the request, or the one the candidate's training was evaluated on.</summary>
    private async Task<DatasetVersion> TestDataAsync(GateRequest request, ModelVersion candidate, CancellationToken ct)
    {
        if (request.Dataset is { } dataset)
        {
            return await datasets.GetVersionAsync(dataset, request.Version ?? 0, ct);
        }
        var run = candidate.RunId is { } runId ? await packages.GetRunAsync(runId, ct) : null;
        var input = run?.Inputs.FirstOrDefault(i => i.Context == "test")
            ?? throw GyreException.Invalid($"dataset: {candidate.Name}/{candidate.Version} was not trained by Gyre; name the test dataset");
        var at = input.Name.LastIndexOf('@');
        return await datasets.GetVersionAsync(input.Name[..at], long.Parse(input.Name[(at + 1)..], System.Globalization.CultureInfo.InvariantCulture), ct);
    }

    private async Task<(Dictionary<string, double> Overall, Dictionary<string, Dictionary<string, double>>? Slices)> EvaluateAsync(
        ModelVersion version, ModelPackage package, DatasetVersion test, string task, string label, string? slice, CancellationToken ct)
    {
        if (package.Task != task)
        {
            throw GyreException.Invalid($"baseline: {version.Name}/{version.Version} does a {package.Task} task, not {task}");
        }
        var model = await packages.ReadModelAsync(version, package, ct);
        var columns = slice is null ? new[] { label } : [label, slice];
        var (predictions, texts) = await scorer.PredictAsync(package, model, await objects.LocalPathAsync(test.Digest, test.Format, ct), test.Format, columns, ct);
        var labels = texts[label];
        var overall = TaskMetrics.Evaluate(task, package.Classes, labels, predictions);
        if (slice is null)
        {
            return (overall, null);
        }
        var slices = Enumerable.Range(0, predictions.Count).GroupBy(i => texts[slice][i] ?? "(missing)")
            .ToDictionary(g => g.Key, g => TaskMetrics.Evaluate(task, package.Classes, [.. g.Select(i => labels[i])], [.. g.Select(i => predictions[i])]));
        return (overall, slices);
    }

    /// <summary>No slice's metric may be worse than the baseline's on that slice by more than the allowed drop.</summary>
    private static IEnumerable<GateCheck> SliceChecks(MetricThreshold first, string column, double maxDrop,
        Dictionary<string, Dictionary<string, double>> candidate, Dictionary<string, Dictionary<string, double>> baseline)
    {
        var metric = first.Metric!;
        var up = first.GreaterIsBetter ?? TaskMetrics.GreaterIsBetter(metric);
        foreach (var (slice, metrics) in candidate.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var value = metrics[metric];
            var against = baseline[slice][metric];
            var drop = up ? against - value : value - against;
            // A metric undefined on a slice (AUC of one class) cannot fail it.
            var passed = double.IsNaN(drop) || drop <= maxDrop;
            yield return new GateCheck($"slice {column}={slice}", metric, passed, value, against,
                $"{metric} on {column}={slice}: {GateJudge.F(value)} against the baseline's {GateJudge.F(against)}, {(passed ? "within" : "worse than")} the {GateJudge.F(maxDrop)} allowed");
        }
    }

    /// <summary>The verdict as a tag value: the JSON, without the metrics when it would not fit.</summary>
    private static string Compact(GateVerdict verdict)
    {
        var json = JsonSerializer.Serialize(verdict, GyreJson.Options);
        return json.Length <= TrackingLimits.MaxTagValueLength
            ? json
            : JsonSerializer.Serialize(verdict with { Checks = [.. verdict.Checks.Where(c => !c.Passed).Take(20)], CandidateMetrics = new Dictionary<string, double>(), BaselineMetrics = null }, GyreJson.Options);
    }
}
