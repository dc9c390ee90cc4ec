using System.Globalization;
using System.Text.Json;
using Gyre.Core.Artifacts;
using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Data.Splits;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Models;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;

namespace Gyre.Core.Learning.Training;

/// <summary>
/// Runs a training as a tracking run: checks the request, finds the train and test parts (making
/// a recorded split when the version is not one), exports them for the trainer, trains, evaluates
/// on the test part with scikit-learn's metric definitions, and records params, metrics, dataset
/// inputs and the model package on the run; registers the package when asked.
/// </summary>
public sealed class ModelTraining(
    IDatasetStore datasets, IDatasetObjectStore objects, DatasetSplitting splitting, IDatasetSplitter splitter, IDatasetExporter exporter, ITrainer trainer, IModelScorer scorer,
    ITrackingStore tracking, IArtifactStore artifacts, ModelVersionRegistration registration, IRegistryStore registry,
    ScratchSpace scratch, TimeProvider time)
{
    /// <summary>Classification needs at least this many training rows, and every class at least twice.</summary>
    public const int MinimumRows = 10;

    public async Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.Dataset))
        {
            throw GyreException.Invalid("dataset: expected the name of a dataset");
        }
        if (request.Register is { } register && ModelNames.CheckModelName("register", register) is { } badName)
        {
            throw GyreException.Invalid(badName);
        }
        var started = time.GetUtcNow().ToUnixTimeMilliseconds();
        var experiment = await ExperimentAsync(request.Experiment, ct);
        var version = await datasets.GetVersionAsync(request.Dataset, request.Version ?? 0, ct);
        if (version.Status == DatasetStatuses.Failed)
        {
            throw GyreException.Conflict($"{version.Name}@{version.Version} is failed (a validation error or a schema mismatch); nothing trains on a failed version");
        }
        var (task, trainerName, label, features) = TrainingPlan.Check(request, version);
        var seed = (int)(request.Seed ?? 0);
        var metric = CheckSearch(request.Search, task);
        var (train, test) = await PartsAsync(version, seed, ct);
        var classes = await ClassesAsync(task, train, test, label, ct);
        features = await EncodingsAsync(features, train, ct);

        var trainPath = scratch.NewFile(".train.csv");
        var testPath = scratch.NewFile(".test.csv");
        try
        {
            var columns = features.Select(f => f.Name).ToList();
            await exporter.ExportAsync(await objects.LocalPathAsync(train.Digest, train.Format, ct), train, label, classes, columns, trainPath, ct);
            await exporter.ExportAsync(await objects.LocalPathAsync(test.Digest, test.Format, ct), test, label, classes, columns, testPath, ct);
            var hyperparameters = request.Hyperparameters ?? new Dictionary<string, double>();
            Run? run = null;
            IReadOnlyList<TrialResult>? trials = null;
            if (request.Search is { } search)
            {
                run = await tracking.CreateRunAsync(new NewRun(experiment, $"train {train.Name}@{train.Version}", StartTime: started, Tags: [new Tag("gyre.source", "training")]), ct);
                var data = new TrainingData(trainPath, testPath, task, label, features, classes, trainerName, hyperparameters, seed);
                (hyperparameters, trials) = await SearchAsync(search, metric!, data, train, experiment, run.RunId, ct);
            }
            var trained = await trainer.TrainAsync(new TrainingData(trainPath, testPath, task, label, features, classes, trainerName, hyperparameters, seed), ct);
            var (binary, multiclass, regression) = Evaluate(task, classes, trained);
            var result = new TrainingResult(default!, task, trainerName, label, $"{train.Name}@{train.Version}", $"{test.Name}@{test.Version}",
                columns, classes, binary, multiclass, regression, trained.TrainingTime.TotalSeconds, null, hyperparameters, trials, Curves: CurvesOf(task, trained));
            var package = MlNetPackage(result, features, trained.Model, time.GetUtcNow().ToUnixTimeMilliseconds());
            var (importance, slices, bias) = await InspectAsync(package, trained, test, label, classes, request.Importance ? features : [], features, testPath, seed, ct);
            result = result with { Importance = importance, Slices = slices, Bias = bias };
            return await RecordAsync(request, result, train, test, hyperparameters, package, trained, run ?? await tracking.CreateRunAsync(
                new NewRun(experiment, $"train {result.TrainDataset}", StartTime: started, Tags: [new Tag("gyre.source", "training")]), ct),
                [.. features.Where(f => f.Hashed).Select(f => f.Name)], ct);
        }
        finally
        {
            File.Delete(trainPath);
            File.Delete(testPath);
        }
    }

    /// <summary>A categorical feature with more distinct training values than this is hashed rather than one-hot encoded.</summary>
    public const int OneHotMaxDistinct = 100;

    /// <summary>Marks the categorical features whose training part holds too many values for one-hot encoding.</summary>
    private async Task<IReadOnlyList<TrainingColumn>> EncodingsAsync(IReadOnlyList<TrainingColumn> features, DatasetVersion train, CancellationToken ct)
    {
        var encoded = new List<TrainingColumn>(features.Count);
        foreach (var feature in features)
        {
            if (!feature.Categorical)
            {
                encoded.Add(feature);
                continue;
            }
            var (values, _) = await exporter.DistinctAsync(await objects.LocalPathAsync(train.Digest, train.Format, ct), train, feature.Name, OneHotMaxDistinct + 1, ct);
            encoded.Add(feature with { Hashed = values.Count > OneHotMaxDistinct });
        }
        return encoded;
    }

    /// <summary>Permutation importance is computed for at most this many features (one scoring of the test part each).</summary>
    public const int MaxImportanceFeatures = 50;

    /// <summary>
    /// The metrics per value of each categorical feature, and a binary model's bias by each sensitive
    /// column (not trained on, but kept in the test part), from the trainer's test predictions; then,
    /// for each <paramref name="measured"/> feature, the test part scored again through the saved
    /// package (as serving and the gate will) with that feature's values shuffled (seeded), for its
    /// permutation importance on the task's main metric.
    /// </summary>
    private async Task<(List<FeatureImportance>? Importance, List<SliceMetrics> Slices, List<EvaluationBias>? Bias)> InspectAsync(ModelPackage package, TrainedModel trained, DatasetVersion test,
        string label, IReadOnlyList<string>? classes, IReadOnlyList<TrainingColumn> measured, IReadOnlyList<TrainingColumn> features, string testPath, int seed, CancellationToken ct)
    {
        // The exported label is "true"/"false" for two classes and the class index for more.
        var exported = package.Task switch
        {
            ModelTasks.Binary => new[] { "false", "true" },
            ModelTasks.Multiclass => [.. Enumerable.Range(0, classes!.Count).Select(i => i.ToString(CultureInfo.InvariantCulture))],
            _ => null,
        };
        var scoring = package with { Classes = exported };
        var metric = TaskMetrics.Main(package.Task!);
        var up = TaskMetrics.GreaterIsBetter(metric);
        // A hashed column has too many values for a slice each to mean anything.
        var categorical = features.Where(f => f.Categorical && !f.Hashed).Select(f => f.Name).ToList();
        // Slices read the trainer's own test predictions, in row order, beside the stored test part's columns.
        var predictions = trained.TestPredictions.Select(p => p.ToArray()).ToList();
        var labels = trained.TestLabels.Select(l => (string?)(package.Task switch
        {
            ModelTasks.Binary => l == 1 ? "true" : "false",
            _ => l.ToString("R", CultureInfo.InvariantCulture),
        })).ToList();
        var sensitive = package.Task == ModelTasks.Binary ? test.Columns.Where(c => c.Role == ColumnRole.Sensitive).Select(c => c.Name).ToList() : [];
        var texts = await exporter.ColumnsAsync(await objects.LocalPathAsync(test.Digest, test.Format, ct), test, [.. categorical, .. sensitive], ct);
        var overall = TaskMetrics.Evaluate(package.Task!, exported, labels, predictions)[metric];
        var slices = categorical.SelectMany(column => Enumerable.Range(0, predictions.Count).GroupBy(i => texts[column][i] ?? "(missing)")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SliceMetrics(column, g.Key, g.Count(), TaskMetrics.Evaluate(package.Task!, exported, [.. g.Select(i => labels[i])], [.. g.Select(i => predictions[i])]))))
            .ToList();
        var bias = sensitive.Count == 0 ? null : sensitive.Select(column => EvaluationBias.Of(package, $"{test.Name}@{test.Version}", label, column, texts[column], labels, predictions)).ToList();

        if (measured.Count == 0)
        {
            return (null, slices, bias);
        }
        var importance = new List<FeatureImportance>();
        var permuted = measured.Take(MaxImportanceFeatures).Select((f, i) => (f.Name, $"{testPath}.permuted{i}.csv")).ToList();
        try
        {
            await exporter.ExportPermutedAsync(await objects.LocalPathAsync(test.Digest, test.Format, ct), test, label, classes, [.. features.Select(f => f.Name)], permuted, seed, ct);
            foreach (var (feature, path) in permuted)
            {
                var (scores, scoreTexts) = await scorer.PredictAsync(scoring, trained.Model, path, DatasetFormat.Csv, [IDatasetExporter.LabelColumn], ct);
                var value = TaskMetrics.Evaluate(package.Task!, exported, scoreTexts[IDatasetExporter.LabelColumn], scores)[metric];
                importance.Add(new FeatureImportance(feature, metric, up ? overall - value : value - overall));
                File.Delete(path);
            }
        }
        finally
        {
            permuted.ForEach(p => File.Delete(p.Item2));
        }
        return ([.. importance.OrderByDescending(i => i.Drop)], slices, bias);
    }

    /// <summary>The metric a search optimises, checked against the task; null when there is no search.</summary>
    private static string? CheckSearch(SearchSpec? search, string task)
    {
        if (search is null)
        {
            return null;
        }
        var problems = new List<string>();
        if (search.Trials is < 1 or > SearchSpec.MaxTrials)
        {
            problems.Add($"search.trials: expected 1 to {SearchSpec.MaxTrials}, got {search.Trials}");
        }
        if (search.Seconds is { } seconds && !(seconds > 0))
        {
            problems.Add($"search.seconds: expected a positive number of seconds, got {seconds}");
        }
        var metrics = TaskMetrics.Names(task);
        var metric = search.Metric ?? TaskMetrics.Main(task);
        if (!metrics.Contains(metric))
        {
            problems.Add($"search.metric: expected one of {string.Join(", ", metrics)} for a {task} task, got '{metric}'");
        }
        GyreException.ThrowIfAny(problems);
        return metric;
    }

    /// <summary>
    /// Random search: each trial trains on the train part less a validation part (a seeded 80/20
    /// split of the train part, made in scratch space: reproducible from the seed, and no datasets
    /// of its own in the list) and is scored on that validation part, never on the test part, which
    /// stays for the final model's evaluation. Each trial is a nested run of the training's run.
    /// </summary>
    private async Task<(IReadOnlyDictionary<string, double> Best, IReadOnlyList<TrialResult> Trials)> SearchAsync(
        SearchSpec search, string metric, TrainingData final, DatasetVersion train, ExperimentId experiment, RunId parent, CancellationToken ct)
    {
        var spec = SplitChecks.Normalize(new SplitSpec(SplitMethods.Random, 0.2, final.Seed), train);
        using var inner = await splitter.SplitAsync(await objects.LocalPathAsync(train.Digest, train.Format, ct), train, spec, ct);
        var parts = inner.Parts.ToDictionary(p => p.Part, p => p.Path);
        // The parts are Parquet files with the train part's columns, read as the train part is.
        var asPart = train with { Format = DatasetFormat.Parquet };
        var fitPath = scratch.NewFile(".fit.csv");
        var validationPath = scratch.NewFile(".validation.csv");
        try
        {
            var columns = final.Features.Select(f => f.Name).ToList();
            await exporter.ExportAsync(parts[SplitMethods.Train], asPart, final.Label, final.Classes, columns, fitPath, ct);
            await exporter.ExportAsync(parts[SplitMethods.Test], asPart, final.Label, final.Classes, columns, validationPath, ct);
            var random = new Random(final.Seed);
            var up = TaskMetrics.GreaterIsBetter(metric);
            var started = time.GetTimestamp();
            var trials = new List<TrialResult>();
            for (var trial = 1; trial <= (search.Trials ?? SearchSpec.DefaultTrials); trial++)
            {
                if (trial > 1 && search.Seconds is { } budget && time.GetElapsedTime(started).TotalSeconds >= budget)
                {
                    break;
                }
                var drawn = SearchSpaces.Draw(final.Trainer, final.Hyperparameters, random);
                var trained = await trainer.TrainAsync(final with { TrainPath = fitPath, TestPath = validationPath, Hyperparameters = drawn }, ct);
                var (b, m, r) = Evaluate(final.Task, final.Classes, trained);
                var value = (b is not null ? TaskMetrics.Of(b) : m is not null ? TaskMetrics.Of(m) : TaskMetrics.Of(r!))[metric];
                var run = await tracking.CreateRunAsync(new NewRun(experiment, $"trial {trial}", parent, Tags: [new Tag("gyre.source", "search")]), ct);
                var now = time.GetUtcNow().ToUnixTimeMilliseconds();
                await tracking.LogBatchAsync(run.RunId, new LogBatch([new Metric($"validation_{metric}", value, 0, now)],
                    [.. drawn.Select(h => new Param(h.Key, h.Value.ToString("R", CultureInfo.InvariantCulture)))]), ct);
                await tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Finished, now), ct);
                trials.Add(new TrialResult(run.RunId, trial, drawn, value));
            }
            // Ties go to the earlier trial, so that the choice is reproducible.
            var best = trials.Aggregate((a, c) => (up ? c.Value > a.Value : c.Value < a.Value) ? c : a);
            return (best.Hyperparameters, trials);
        }
        finally
        {
            File.Delete(fitPath);
            File.Delete(validationPath);
        }
    }

    /// <summary>The version's sibling test part when it is a split's train part; otherwise a recorded seeded 80/20 split of it.</summary>
    private async Task<(DatasetVersion Train, DatasetVersion Test)> PartsAsync(DatasetVersion version, int seed, CancellationToken ct)
    {
        if (version.DerivedFrom is { Part: SplitMethods.Train } derived && await datasets.FindSplitAsync(derived.Split, ct) is { } recorded)
        {
            var testPart = recorded.Parts.Single(p => p.Part == SplitMethods.Test);
            return (version, await datasets.GetVersionAsync(testPart.Dataset, testPart.Version, ct));
        }
        var (split, _) = await splitting.SplitAsync(version.Name, version.Version, new SplitSpec(SplitMethods.Random, 0.2, seed), ct);
        var parts = split.Parts.ToDictionary(p => p.Part);
        return (await datasets.GetVersionAsync(parts[SplitMethods.Train].Dataset, parts[SplitMethods.Train].Version, ct),
            await datasets.GetVersionAsync(parts[SplitMethods.Test].Dataset, parts[SplitMethods.Test].Version, ct));
    }

    /// <summary>The class labels in order (sorted as text; a binary task's positive class is the second), checked against both parts.</summary>
    private async Task<IReadOnlyList<string>?> ClassesAsync(string task, DatasetVersion train, DatasetVersion test, string label, CancellationToken ct)
    {
        var (values, missing) = await exporter.DistinctAsync(await objects.LocalPathAsync(train.Digest, train.Format, ct), train, label, 1001, ct);
        var (testValues, testMissing) = await exporter.DistinctAsync(await objects.LocalPathAsync(test.Digest, test.Format, ct), test, label, 1001, ct);
        if (missing + testMissing > 0)
        {
            throw GyreException.Invalid($"label: '{label}' has {missing + testMissing} missing values in {train.Name}@{train.Version} and {test.Name}@{test.Version}; drop or fill them first");
        }
        if (train.Rows < MinimumRows)
        {
            throw GyreException.Invalid($"dataset: {train.Name}@{train.Version} has {train.Rows} rows; training needs at least {MinimumRows}");
        }
        if (task == ModelTasks.Regression)
        {
            return null;
        }
        if (values.Count < 2)
        {
            throw GyreException.Invalid($"label: '{label}' has one value ({string.Join(", ", values)}) in {train.Name}@{train.Version}; a {task} task needs at least two classes");
        }
        if (task == ModelTasks.Binary && values.Count > 2)
        {
            throw GyreException.Invalid($"label: '{label}' has {values.Count} values in {train.Name}@{train.Version}; a binary task needs two (use multiclass)");
        }
        if (values.Count > 1000)
        {
            throw GyreException.Invalid($"label: '{label}' has more than 1000 classes; a multiclass task takes at most 1000");
        }
        if (testValues.Except(values).ToList() is { Count: > 0 } unseen)
        {
            throw GyreException.Invalid($"label: the test part {test.Name}@{test.Version} has classes the train part lacks: {string.Join(", ", unseen.Take(5))}");
        }
        return values;
    }

    /// <summary>The curves the run page draws, from the trainer's test predictions: ROC and precision–recall, or residuals.</summary>
    private static EvaluationCurves? CurvesOf(string task, TrainedModel trained) => task switch
    {
        ModelTasks.Binary => Curves.Binary([.. trained.TestLabels.Select(l => l == 1)], [.. trained.TestPredictions.Select(p => p[0])]),
        ModelTasks.Regression => Curves.Regression(trained.TestLabels, [.. trained.TestPredictions.Select(p => p[0])]),
        _ => null,
    };

    /// <summary>The experiment a training is recorded in: the default one, or the one named (made when it does not exist, as MLflow's set_experiment does).</summary>
    private async Task<ExperimentId> ExperimentAsync(string? name, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(name))
        {
            return ExperimentId.Default;
        }
        try
        {
            return (await tracking.GetExperimentByNameAsync(name, ct)).ExperimentId;
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            try
            {
                return (await tracking.CreateExperimentAsync(name, [], ct)).ExperimentId;
            }
            catch (GyreException again) when (again.Code == ErrorCode.AlreadyExists)
            {
                // Made meanwhile by another training, or deleted (its name is still taken until purged).
                return (await tracking.GetExperimentByNameAsync(name, ct)).ExperimentId;
            }
        }
    }

    private static (BinaryEvaluation?, MulticlassEvaluation?, RegressionEvaluation?) Evaluate(string task, IReadOnlyList<string>? classes, TrainedModel trained) => task switch
    {
        ModelTasks.Binary => (Metrics.Binary([.. trained.TestLabels.Select(l => l == 1)], [.. trained.TestPredictions.Select(p => p[0])]), null, null),
        ModelTasks.Multiclass => (null, Metrics.Multiclass([.. trained.TestLabels.Select(l => (int)l)], trained.TestPredictions, classes!.Count), null),
        _ => (null, null, Metrics.Regression(trained.TestLabels, [.. trained.TestPredictions.Select(p => p[0])])),
    };

    private async Task<TrainingResult> RecordAsync(TrainingRequest request, TrainingResult result, DatasetVersion train, DatasetVersion test,
        IReadOnlyDictionary<string, double> hyperparameters, ModelPackage package, TrainedModel trained, Run run, IReadOnlyList<string> hashed, CancellationToken ct)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            var parameters = new List<Param>
            {
                new("task", result.Task), new("trainer", result.Trainer), new("label", result.Label),
                new("train_dataset", result.TrainDataset), new("test_dataset", result.TestDataset), new("features", string.Join(",", result.Features)),
                new("seed", (request.Seed ?? 0).ToString(CultureInfo.InvariantCulture)),
            };
            parameters.AddRange(hyperparameters.Select(h => new Param(h.Key, h.Value.ToString("R", CultureInfo.InvariantCulture))));
            if (hashed.Count > 0)
            {
                parameters.Add(new Param("hashed_features", string.Join(",", hashed)));
            }
            var metrics = MetricValues(result).Select(m => new Metric($"test_{m.Key}", m.Value, 0, now)).ToList();
            metrics.Add(new Metric("training_seconds", result.TrainingSeconds, 0, now));
            await tracking.LogBatchAsync(run.RunId, new LogBatch(metrics, parameters), ct);
            await tracking.LogInputsAsync(run.RunId, [new DatasetInput(result.TrainDataset, train.Digest, train.Source, "train"), new DatasetInput(result.TestDataset, test.Digest, test.Source, "test")], ct);

            var root = RunArtifacts.RootOf(run.ArtifactUri);
            await WriteAsync(root, $"{ModelImport.PackagePath}/{package.ModelFile}", trained.Model, ct);
            await WriteAsync(root, $"{ModelImport.PackagePath}/{ModelPackage.ManifestFile}", JsonSerializer.SerializeToUtf8Bytes(package, GyreJson.Options), ct);
            await WriteAsync(root, "evaluation.json", JsonSerializer.SerializeToUtf8Bytes(result with { RunId = run.RunId }, GyreJson.Options), ct);

            ModelVersion? registered = null;
            if (request.Register is { } model)
            {
                try
                {
                    await registry.CreateModelAsync(model, null, [], ct);
                }
                catch (GyreException e) when (e.Code == ErrorCode.AlreadyExists)
                {
                    // A new version of a model that exists: the usual case.
                }
                registered = await registration.RegisterAsync(model, new NewModelVersion(run.RunId, ModelImport.PackagePath), ct);
            }
            await tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Finished, time.GetUtcNow().ToUnixTimeMilliseconds()), ct);
            return result with { RunId = run.RunId, ModelVersion = registered };
        }
        catch
        {
            await tracking.UpdateRunAsync(run.RunId, new RunUpdate(RunStatus.Failed, time.GetUtcNow().ToUnixTimeMilliseconds()), CancellationToken.None);
            throw;
        }
    }

    private Task WriteAsync(string root, string path, byte[] content, CancellationToken ct) =>
        artifacts.WriteAsync(root, ArtifactPath.Parse(path, "path"), new MemoryStream(content), long.MaxValue, ct);

    /// <summary>The manifest of a trained ML.NET model: its input columns with their types, and the prediction it gives.</summary>
    private static ModelPackage MlNetPackage(TrainingResult result, IReadOnlyList<TrainingColumn> features, byte[] model, long now)
    {
        var inputs = features.Select(f => new TensorSpec(f.Name, f.Categorical ? TensorDataTypes.Bytes : TensorDataTypes.Fp32, [-1, 1])).ToList();
        var width = result.Task == ModelTasks.Multiclass ? result.Classes!.Count : 1;
        var output = new TensorSpec("prediction", TensorDataTypes.Fp32, [-1, width]);
        var meaning = result.Task switch
        {
            ModelTasks.Binary => ModelTasks.Probability,
            ModelTasks.Multiclass => ModelTasks.Probabilities,
            _ => ModelTasks.Value,
        };
        var digest = ModelPackages.Digest(model);
        return new ModelPackage(ModelPackage.CurrentFormat, ModelPackage.MlNet, "model.zip", digest, new ModelSignature(inputs, [output]),
            result.Task, null, [.. features.Select(f => f.Name)], output.Name, meaning, result.Classes, now, result.Label);
    }

    private static Dictionary<string, double> MetricValues(TrainingResult r) =>
        r.Binary is { } b ? TaskMetrics.Of(b) : r.Multiclass is { } m ? TaskMetrics.Of(m) : TaskMetrics.Of(r.Regression!);
}
