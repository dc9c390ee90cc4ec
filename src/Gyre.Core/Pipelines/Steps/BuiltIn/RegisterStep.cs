using System.Text.Json.Nodes;
using Gyre.Core.Models;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>register</c>: registers a model file made by a <c>command</c> step before it (an ONNX model,
/// with the import options that its graph cannot say) as a version of <c>model</c>; or, when no
/// step before made a file, gives the model from a step before the <c>alias</c>.
/// </summary>
internal sealed class RegisterStep(StepArtifacts artifacts, ModelImport import) : StepType(artifacts)
{
    public override string Name => "register";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("model", ParameterKind.String, "the registered model (default: the pipeline's name)"),
        new("file", ParameterKind.String, "the output of a command step to register (default: the nearest one)"),
        new("alias", ParameterKind.String, "an alias to point at the registered version"),
        new("task", ParameterKind.String, "binary, multiclass or regression"),
        new("feature_input", ParameterKind.String, "the ONNX input that carries the features"),
        new("feature_columns", ParameterKind.Strings, "the names of that input's columns"),
        new("output", ParameterKind.String, "the ONNX output that is the prediction"),
        new("output_meaning", ParameterKind.String, "what the output holds (see docs/api.md)"),
        new("classes", ParameterKind.Strings, "the class labels in the order of the output's columns"),
    ];

    public override IReadOnlyList<string> Check(JsonObject with)
    {
        var problems = new List<string>();
        if (with["model"]?.GetValue<string>() is { } model && ModelNames.CheckModelName("model", model) is { } bad)
        {
            problems.Add(bad);
        }
        if (with["alias"]?.GetValue<string>() is { } alias && ModelNames.CheckAlias("alias", alias) is { } badAlias)
        {
            problems.Add(badAlias);
        }
        return problems;
    }

    public override Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct)
    {
        if (context.String("file") is { } file)
        {
            return Inputs(context.Require("file:" + file));
        }
        return Inputs(context.Available.FirstOrDefault(a => a.Type == ArtifactTypes.File && a.Role.StartsWith("file:", StringComparison.Ordinal))
            ?? context.Require("model"));
    }

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var input = inputs[0];
        string name;
        long version;
        string digest;
        if (input.Type == ArtifactTypes.File)
        {
            var options = new ImportOptions(context.String("task"), context.String("feature_input"), context.Strings("feature_columns"),
                context.String("output"), context.String("output_meaning"), context.Strings("classes"));
            await using var stream = File.OpenRead(ArtifactUris.FilePath(input.Uri));
            var (registered, package) = await import.ImportAsync(context.String("model") ?? context.Pipeline, stream, options, long.MaxValue, ct);
            (name, version, digest) = (registered.Name, registered.Version, "sha256:" + package.Sha256);
            await context.Log.WriteLineAsync($"registered {input.Uri} as {name}/{version}");
        }
        else
        {
            (name, version) = Model(input);
            digest = input.Digest;
        }
        if (context.String("alias") is { } alias)
        {
            await Registry.SetAliasAsync(name, alias, version, ct);
            await context.Log.WriteLineAsync($"{name}@{alias} -> {version}");
        }
        var model = new PipelineArtifact("model", ArtifactTypes.Model, ArtifactUris.Model(name, version), digest);
        return new StepResult([model], $"{name}/{version}{(context.String("alias") is { } a ? $" as @{a}" : "")}");
    }

    public override JsonObject Implicit(StepContext context) => new() { ["model"] = context.String("model") ?? context.Pipeline };

    public override async Task ReapplyAsync(StepContext context, IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct)
    {
        if (context.String("alias") is { } alias && outputs.FirstOrDefault(o => o.Role == "model") is { } model)
        {
            var (name, version) = Model(model);
            await Registry.SetAliasAsync(name, alias, version, ct);
            await context.Log.WriteLineAsync($"{name}@{alias} -> {version}");
        }
    }
}
