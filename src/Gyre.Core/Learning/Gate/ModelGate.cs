using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Data.Bias;
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
        var sensitive = request.Bias is null ? null : SensitiveColumn(test, task, label, request.Bias);
        // Checked before either model is scored.
        var unknown = request.Thresholds!.Select(t => t.Metric!).Where(m => !TaskMetrics.Names(task).Contains(m)).ToList();
        if (unknown.Count > 0)
        {
            throw GyreException.Invalid($"thresholds: {string.Join(", ", unknown.Select(m => $"'{m}'"))} is not a {task} metric; expected one of {string.Join(", ", TaskMetrics.Names(task))}");
        }

        var candidateScores = await EvaluateAsync(candidate, package, test, task, label, request.SliceColumn, sensitive, request.Bias, ct);
        Scores? baselineScores = null;
        if (baseline is not null)
        {
            var baselinePackage = await packages.GetPackageAsync(name, baseline.Version, ct);
            baselineScores = await EvaluateAsync(baseline, baselinePackage, test, task, label, request.SliceColumn, sensitive, request.Bias, ct);
        }
        var checks = GateJudge.Judge(request.Thresholds!, candidateScores.Overall, baselineScores?.Overall);
        if (request.SliceColumn is { } sliceColumn && baselineScores is not null)
        {
            checks.AddRange(SliceChecks(request.Thresholds![0], sliceColumn, request.MaxSliceDrop!.Value, candidateScores.Slices!, baselineScores.Slices!));
        }
        if (request.Bias is { } bounds)
        {
            checks.AddRange(GateBias.Checks(bounds, candidateScores.Bias!, baselineScores?.Bias));
        }
        var verdict = new GateVerdict(name, version, baseline?.Version, $"{test.Name}@{test.Version}", checks.All(c => c.Passed), checks,
            candidateScores.Overall, baselineScores?.Overall, time.GetUtcNow().ToUnixTimeMilliseconds(), candidateScores.Bias, baselineScores?.Bias);
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
        return (await EvaluateAsync(model, package, test, task, label, null, null, null, ct)).Overall;
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
        problems.AddRange(request.Bias?.Problems() ?? []);
        GyreException.ThrowIfAny(problems);
    }

    /// <summary>The sensitive column of bias bounds: named, or the test data's column with role sensitive; checked before any scoring.</summary>
    private static string SensitiveColumn(DatasetVersion test, string task, string label, BiasBounds bounds)
    {
        if (task == ModelTasks.Regression)
        {
            throw GyreException.Invalid("bias: a regression model has no favourable class; bias bounds need a binary or multiclass model");
        }
        return DatasetBias.Columns(test, $"the test data {test.Name}@{test.Version}", bounds.SensitiveColumn, label, BiasFields.Gate).Sensitive;
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
        var (name, version) = input.DatasetVersion();
        return await datasets.GetVersionAsync(name, version, ct);
    }

    /// <summary>A model's metrics on the test data, per slice when asked, and its bias when bounds are set.</summary>
    private sealed record Scores(Dictionary<string, double> Overall, Dictionary<string, Dictionary<string, double>>? Slices, BiasReport? Bias);

    private async Task<Scores> EvaluateAsync(
        ModelVersion version, ModelPackage package, DatasetVersion test, string task, string label, string? slice, string? sensitive, BiasBounds? bias, CancellationToken ct)
    {
        if (package.Task != task)
        {
            throw GyreException.Invalid($"baseline: {version.Name}/{version.Version} does a {package.Task} task, not {task}");
        }
        var model = await packages.ReadModelAsync(version, package, ct);
        string[] columns = [label, .. new[] { slice, sensitive }.OfType<string>().Distinct()];
        var (predictions, texts) = await scorer.PredictAsync(package, model, await objects.LocalPathAsync(test.Digest, test.Format, ct), test.Format, columns, ct);
        var labels = texts[label];
        var overall = TaskMetrics.Evaluate(task, package.Classes, labels, predictions);
        var slices = slice is null ? null : Enumerable.Range(0, predictions.Count).GroupBy(i => texts[slice][i] ?? "(missing)")
            .ToDictionary(g => g.Key, g => TaskMetrics.Evaluate(task, package.Classes, [.. g.Select(i => labels[i])], [.. g.Select(i => predictions[i])]));
        var report = sensitive is null ? null
            : GateBias.Report($"{version.Name}/{version.Version} on {test.Name}@{test.Version}", sensitive, label, bias!, package, texts[sensitive], labels, predictions);
        return new Scores(overall, slices, report);
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

    /// <summary>The verdict as a tag value: the JSON, without the metrics and bias reports when it would not fit.</summary>
    private static string Compact(GateVerdict verdict)
    {
        var json = JsonSerializer.Serialize(verdict, GyreJson.Options);
        return json.Length <= TrackingLimits.MaxTagValueLength
            ? json
            : JsonSerializer.Serialize(verdict with { Checks = [.. verdict.Checks.Where(c => !c.Passed).Take(20)], CandidateMetrics = new Dictionary<string, double>(), BaselineMetrics = null, CandidateBias = null, BaselineBias = null }, GyreJson.Options);
    }
}
