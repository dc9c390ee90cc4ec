using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Monitoring.Learners;
using Gyre.Core.Monitoring.Multivariate;
using Gyre.Core.Monitoring.Windows;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// Estimates a monitored endpoint's performance per window without labels (CBPE, for binary and multiclass classifiers): the served
/// version scores its labelled reference once (kept in memory per version and reference), which
/// fits the calibration; each window's logged scores then give the estimate.
/// </summary>
public sealed class PerformanceEstimator(IRegistryStore registry, IDatasetStore datasets, IDatasetObjectStore objects, ModelImport packages, IModelScorer scorer,
    IFeatureFiles files, IVectorLearner learner)
{
    private readonly ConcurrentDictionary<(string Model, long Version, string? Reference, string? Label), IPerformanceReference> _references = new();

    /// <summary>
    /// The window's estimate, or why there is none (a reason the user can act on is never an error
    /// here). <paramref name="window"/> is the rows' logged inputs as the monitor read them, in the same order.
    /// </summary>
    public async Task<EstimatedPerformance> EstimateAsync(string model, long version, PerformanceSettings? settings, IReadOnlyList<LoggedPrediction> rows,
        LoggedColumns window, CancellationToken ct)
    {
        try
        {
            var reference = await ReferenceAsync(model, version, settings, ct);
            var served = Enumerable.Range(0, rows.Count).Where(i => rows[i].Prediction.ModelName == model && rows[i].Prediction.ModelVersion == version).ToList();
            var outputs = served.Select(i => rows[i].Prediction.Outputs);
            if (reference is DleReference dle)
            {
                var (answered, predictions) = (new List<int>(), new List<double>());
                foreach (var i in served)
                {
                    using var output = JsonDocument.Parse(rows[i].Prediction.Outputs);
                    if (output.RootElement.ValueKind == JsonValueKind.Number)
                    {
                        answered.Add(i);
                        predictions.Add(output.RootElement.GetDouble());
                    }
                }
                return answered.Count == 0 ? EstimatedPerformance.Unavailable($"no answer of {model}/{version} in the window is a number")
                    : dle.Estimate(dle.Encode(window, answered, predictions));
            }
            if (reference is MulticlassCbpeReference multiclass)
            {
                var rowsScores = LoggedScores.OfClasses(outputs, multiclass.Classes);
                return rowsScores.Count == 0 ? EstimatedPerformance.Unavailable($"no answer of {model}/{version} in the window carries a score for every class")
                    : Cbpe.EstimateMulticlass(multiclass, rowsScores);
            }
            var scores = LoggedScores.Of(outputs);
            return scores.Count == 0
                ? EstimatedPerformance.Unavailable($"no answer of {model}/{version} in the window carries a score")
                : Cbpe.Estimate((CbpeReference)reference, scores);
        }
        catch (GyreException e) when (e.Code is ErrorCode.InvalidArgument or ErrorCode.NotFound)
        {
            return EstimatedPerformance.Unavailable(e.Message);
        }
    }

    /// <summary>The served version's reference for CBPE; a 400 (or 404) saying why none can be had.</summary>
    public async Task<IPerformanceReference> ReferenceAsync(string model, long version, PerformanceSettings? settings, CancellationToken ct)
    {
        var key = (model, version, settings?.Reference is { } r ? $"{r.Dataset}@{r.Version}" : null, settings?.Label);
        if (_references.TryGetValue(key, out var known))
        {
            return known;
        }
        var served = await registry.GetVersionAsync(model, version, ct);
        var package = await packages.GetPackageAsync(model, version, ct);
        if (package.Task is not (ModelTasks.Binary or ModelTasks.Multiclass or ModelTasks.Regression))
        {
            throw GyreException.Invalid($"performance: {model}/{version} has no task; estimating performance without labels needs a binary or multiclass classifier (CBPE) or a regression (DLE)");
        }
        if (package.Task == ModelTasks.Regression)
        {
            var regression = await DleAsync(served, package, settings, ct);
            _references[key] = regression;
            return regression;
        }
        if (package.OutputMeaning is not (ModelTasks.Probability or ModelTasks.Probabilities or ModelTasks.Score))
        {
            throw GyreException.Invalid($"performance: {model}/{version} answers no score (its output is '{package.OutputMeaning}'), so there is nothing to calibrate; CBPE needs scores");
        }
        if (package.Task == ModelTasks.Multiclass && package.Classes is not { Count: > 1 })
        {
            throw GyreException.Invalid($"performance: {model}/{version} does not name its classes, so its scores cannot be matched with labels");
        }
        var (test, data, label) = await LabelledAsync(served, package, settings, ct);
        var bytes = await packages.ReadModelAsync(served, package, ct);
        var (predictions, texts) = await scorer.PredictAsync(package, bytes, await objects.LocalPathAsync(test.Digest, test.Format, ct), test.Format, [label], ct);
        var rows = Enumerable.Range(0, predictions.Count).Where(i => texts[label][i] is not null).ToList();
        var probabilities = package.OutputMeaning != ModelTasks.Score;
        IPerformanceReference reference;
        if (package.Task == ModelTasks.Multiclass)
        {
            reference = MulticlassCbpeReference.Fit(data, package.Classes!, [.. rows.Select(i => predictions[i])], [.. rows.Select(i => texts[label][i]!)], probabilities);
        }
        else
        {
            var positive = PredictedClass.PositiveClass(package);
            reference = CbpeReference.Fit(data, [.. rows.Select(i => PredictedClass.Positive(predictions[i]))],
                [.. rows.Select(i => texts[label][i] == positive)], probabilities);
        }
        _references[key] = reference;
        return reference;
    }

    /// <summary>The labelled reference data, its name, and its label column (checked to exist).</summary>
    private async Task<(DatasetVersion Test, string Data, string Label)> LabelledAsync(ModelVersion served, ModelPackage package, PerformanceSettings? settings, CancellationToken ct)
    {
        var test = await TestDataAsync(served, settings, ct);
        var data = $"{test.Name}@{test.Version}";
        var label = settings?.Label ?? package.Label ?? test.Columns.FirstOrDefault(c => c.Role == Data.Schemas.ColumnRole.Label)?.Name
            ?? throw GyreException.Invalid($"performance.label: name the label column of {data}");
        if (!test.Columns.Any(c => string.Equals(c.Name, label, StringComparison.OrdinalIgnoreCase)))
        {
            throw GyreException.Invalid($"performance.label: '{label}' is not a column of {data} (its columns: {string.Join(", ", test.Columns.Select(c => c.Name))})");
        }
        return (test, data, label);
    }

    /// <summary>A regression's reference for DLE: its test data's features and labels, and its predictions there.</summary>
    private async Task<DleReference> DleAsync(ModelVersion served, ModelPackage package, PerformanceSettings? settings, CancellationToken ct)
    {
        var (test, data, label) = await LabelledAsync(served, package, settings, ct);
        var types = test.Columns.ToDictionary(c => c.Name, c => c.Type, StringComparer.OrdinalIgnoreCase);
        var missing = package.FeatureColumns.Where(c => !types.ContainsKey(c)).ToList();
        if (missing.Count > 0)
        {
            throw GyreException.Invalid($"performance.reference: {data} lacks the model's feature column{(missing.Count == 1 ? "" : "s")} {string.Join(", ", missing)}");
        }
        var path = await objects.LocalPathAsync(test.Digest, test.Format, ct);
        var (predictions, texts) = await scorer.PredictAsync(package, await packages.ReadModelAsync(served, package, ct), path, test.Format, [label], ct);
        ReferenceColumns features;
        using (var file = files.Open(path, test.Format, ct))
        {
            features = ReferenceColumns.Read(file, [.. package.FeatureColumns.Select(c => (c, types[c] is not (ColumnType.Integer or ColumnType.Float)))], 1);
        }
        var rows = Enumerable.Range(0, predictions.Count)
            .Where(i => double.TryParse(texts[label][i], NumberStyles.Float, CultureInfo.InvariantCulture, out var y) && double.IsFinite(y) && double.IsFinite(predictions[i][0])).ToList();
        return DleReference.Fit(data, features.Encodings, [.. rows.Select(i => features.Rows[i])], [.. rows.Select(i => predictions[i][0])],
            [.. rows.Select(i => double.Parse(texts[label][i]!, CultureInfo.InvariantCulture))], learner);
    }

    /// <summary>The labelled data named in the settings, or the test part the served version was evaluated on.</summary>
    private async Task<DatasetVersion> TestDataAsync(ModelVersion served, PerformanceSettings? settings, CancellationToken ct)
    {
        if (settings?.Reference is { Dataset: { } name } side)
        {
            return await datasets.GetVersionAsync(name, side.Version ?? 0, ct);
        }
        var run = served.RunId is { } id ? await packages.GetRunAsync(id, ct) : null;
        var input = run?.Inputs.FirstOrDefault(i => i.Context == "test")
            ?? throw GyreException.Invalid($"performance.reference: {served.Name}/{served.Version} was not trained by Gyre, so the labelled data it was evaluated on is unknown; name it");
        var (dataset, version) = input.DatasetVersion();
        return await datasets.GetVersionAsync(dataset, version, ct);
    }
}
