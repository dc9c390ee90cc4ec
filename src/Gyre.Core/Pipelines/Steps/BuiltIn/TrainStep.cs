using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Learning.Training;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>train</c> (and <c>tune</c>, which runs a random search first): trains on the <c>train</c>
/// part from a split before it (the split's test part evaluates the model), or on a whole
/// <c>dataset</c> (Gyre then splits it 80/20), and registers the model as a version of
/// <c>register</c> (default: the pipeline's name). The label defaults to the pipeline's <c>label</c> parameter.
/// </summary>
internal class TrainStep(StepArtifacts artifacts, ModelTraining training, ModelImport import) : StepType(artifacts)
{
    private static readonly StepParameter[] Common =
    [
        new("task", ParameterKind.String, $"one of {string.Join(", ", ModelTasksList())} (default: from the label)"),
        new("trainer", ParameterKind.String, "lightgbm, fasttree or linear (default lightgbm)"),
        new("label", ParameterKind.String, "the label column (default: the pipeline's label parameter)"),
        new("features", ParameterKind.Strings, "the feature columns (default: every feature column)"),
        new("hyperparameters", ParameterKind.NumberMap, "the trainer's hyperparameters by name"),
        new("seed", ParameterKind.Integer, "the seed (default 0)"),
        new("register", ParameterKind.String, "the model to register the result as a version of (default: the pipeline's name)"),
        new("importance", ParameterKind.Boolean, "compute permutation importance (default false)"),
    ];

    private static readonly StepParameter[] Search =
    [
        .. Common,
        new("trials", ParameterKind.Integer, $"at most this many trials (default {SearchSpec.DefaultTrials})"),
        new("seconds", ParameterKind.Number, "stop the search after this many seconds"),
        new("metric", ParameterKind.String, "the metric the search maximises or minimises (default auc, accuracy or rmse)"),
    ];

    /// <summary>Whether a random search runs first (<see cref="TuneStep"/>).</summary>
    protected virtual bool Tune => false;

    public override string Name => Tune ? "tune" : "train";

    public override IReadOnlyList<StepParameter> Parameters => Tune ? Search : Common;

    public override IReadOnlyList<string> Check(JsonObject with) =>
        with["trials"]?.GetValue<long>() is { } trials && trials is < 1 or > SearchSpec.MaxTrials ? [$"trials: expected 1 to {SearchSpec.MaxTrials}, got {trials}"] : [];

    public override Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct) => Inputs(context.Require("train", "dataset"));

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var data = ArtifactUris.ParseDataset(inputs[0].Uri)!.Value;
        var search = Tune ? new SearchSpec((int?)context.Integer("trials"), context.Number("seconds"), context.String("metric")) : null;
        var request = new TrainingRequest(data.Name, data.Version, context.String("task"), context.String("label") ?? context.Param("label"),
            context.String("trainer"), context.Strings("features"), context.NumberMap("hyperparameters"), context.String("register") ?? context.Pipeline,
            context.Integer("seed"), search, context.Boolean("importance") ?? false);
        var result = await training.TrainAsync(request, ct);
        var version = result.ModelVersion!;
        var package = await import.GetPackageAsync(version.Name, version.Version, ct);
        var metrics = new JsonObject();
        foreach (var (name, value) in Metrics(result))
        {
            metrics[name] = JsonNumbers.Of(value);
            await context.Log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"test {name} = {value:G6}"));
        }
        await context.Log.WriteLineAsync($"run {result.RunId}, registered {version.Name}/{version.Version}");
        var model = new PipelineArtifact("model", ArtifactTypes.Model, ArtifactUris.Model(version.Name, version.Version), "sha256:" + package.Sha256,
            new JsonObject { ["run_id"] = result.RunId.ToString(), ["trainer"] = result.Trainer, ["task"] = result.Task, ["metrics"] = metrics });
        var headline = Metrics(result).FirstOrDefault();
        return new StepResult([model], string.Create(CultureInfo.InvariantCulture, $"{version.Name}/{version.Version}, {result.Trainer}, test {headline.Key} {headline.Value:0.####}"));
    }

    private static IEnumerable<KeyValuePair<string, double>> Metrics(TrainingResult result) =>
        result.Binary is { } b ? [new("auc", b.Auc), new("accuracy", b.Accuracy), new("f1", b.F1)]
        : result.Multiclass is { } m ? [new("accuracy", m.Accuracy), new("macro_f1", m.MacroF1)]
        : result.Regression is { } r ? [new("rmse", r.Rmse), new("mae", r.Mae), new("r2", r.R2)]
        : [];

    private static IEnumerable<string> ModelTasksList() => ["binary", "multiclass", "regression"];

    public override JsonObject Implicit(StepContext context) =>
        new() { ["label"] = context.String("label") ?? context.Param("label"), ["register"] = context.String("register") ?? context.Pipeline };
}
