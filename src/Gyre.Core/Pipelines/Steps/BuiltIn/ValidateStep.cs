using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gyre.Core.Data.Validation;
using Gyre.Core.Errors;
using Gyre.Core.Json;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>validate</c>: checks the dataset from the step before against a suite — a JSON or YAML file
/// (<c>suite</c>), or the constraints suggested from another version's profile (<c>suggest_from</c>,
/// as Deequ suggests them). A failed error constraint fails the step, so nothing trains on the data.
/// </summary>
internal sealed class ValidateStep(StepArtifacts artifacts, DatasetValidation validation) : StepType(artifacts)
{
    public override string Name => "validate";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("suite", ParameterKind.String, "a suite file, JSON or YAML: {constraints: [{type, column, ...}]}"),
        new("suggest_from", ParameterKind.String, "NAME@VERSION whose profile suggests the constraints"),
    ];

    public override IReadOnlyList<string> Check(JsonObject with) =>
        with.ContainsKey("suite") == with.ContainsKey("suggest_from") ? ["suite: give suite or suggest_from (one of them)"] : [];

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct)
    {
        var data = context.Require("dataset", "train");
        if (context.String("suite") is { } suite)
        {
            return [data, await Files.ArtifactAsync("suite", context.FullPath(suite), ct, "suite")];
        }
        var reference = await ResolveDatasetAsync("suggest_from", context.String("suggest_from")!, ct);
        return [data, DatasetArtifact("reference", reference)];
    }

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var data = await DatasetAsync(inputs[0], ct);
        ValidationSuite suite;
        if (inputs[1].Role == "suite")
        {
            suite = Read(ArtifactUris.FilePath(inputs[1].Uri));
        }
        else
        {
            var reference = await DatasetAsync(inputs[1], ct);
            suite = SuiteSuggestion.From(await Datasets.GetProfileAsync(reference.Name, reference.Version, ct), $"{reference.Name}@{reference.Version}");
        }
        var report = await validation.ValidateAsync(data.Name, data.Version, suite, ct);
        foreach (var result in report.Results.Where(r => !r.Passed))
        {
            await context.Log.WriteLineAsync($"{result.Severity} {result.Type} {result.Column}: {result.Expectation}");
        }
        var failed = report.Results.Count(r => !r.Passed);
        if (report.Status == ValidationStatuses.Failed)
        {
            throw GyreException.Invalid($"{data.Name}@{data.Version} failed validation: {failed} of {report.Results.Count} constraints failed (the step's log lists them)");
        }
        var json = JsonSerializer.Serialize(report, GyreJson.Options);
        var artifact = new PipelineArtifact("validation", ArtifactTypes.ValidationReport,
            ArtifactUris.Produced(ArtifactTypes.ValidationReport, context.RunKey, context.Step.Id), Digests.Of(json),
            new JsonObject { ["status"] = report.Status, ["failed"] = failed, ["constraints"] = report.Results.Count });
        return new StepResult([artifact], string.Create(CultureInfo.InvariantCulture, $"{report.Status}: {report.Results.Count - failed} of {report.Results.Count} constraints hold"));
    }

    public override Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.FromResult(true);

    private static ValidationSuite Read(string path) => SuiteFiles.Parse(File.ReadAllText(path), path, "suite");
}
