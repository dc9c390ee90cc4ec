using System.Globalization;
using System.Text.Json.Nodes;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Gate;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>
/// <c>gate</c>: the champion/challenger gate on the model from a step before, against the version
/// behind <c>baseline</c> (default <c>champion</c>), on the split's test part. A model that does not
/// pass stops the steps that need the gate (they are skipped, and the run still succeeds: a
/// rejected candidate is an answer, not an error). The baseline version is an input, so a moved
/// champion makes the gate run again.
/// </summary>
internal sealed class GateStep(StepArtifacts artifacts, ModelImport import, ModelGate gate) : StepType(artifacts)
{
    public override string Name => "gate";

    public override IReadOnlyList<StepParameter> Parameters { get; } =
    [
        new("metric", ParameterKind.String, "the metric compared, such as auc or rmse", Required: true),
        new("threshold", ParameterKind.Number, "the value the candidate must reach"),
        new("min_absolute_change", ParameterKind.Number, "how much the candidate must beat the baseline by"),
        new("min_relative_change", ParameterKind.Number, "how much, as a fraction of the baseline's value"),
        new("greater_is_better", ParameterKind.Boolean, "default: from the metric"),
        new("baseline", ParameterKind.String, $"the alias of the model to beat (default {ModelGate.DefaultBaseline})"),
        new("slice_column", ParameterKind.String, "also compare per value of this column"),
        new("max_slice_drop", ParameterKind.Number, "with slice_column: how much worse any slice may be"),
        new("max_abs_dppl", ParameterKind.Number, "fairness: the largest difference in predicted favourable proportions allowed between a group of the sensitive column and the others"),
        new("min_disparate_impact", ParameterKind.Number, "fairness: the smallest disparate impact allowed (0.8 is the four-fifths rule)"),
        new("sensitive_column", ParameterKind.String, "with a fairness bound: the column whose groups are compared (default: the test data's column with role sensitive)"),
        new("favourable", ParameterKind.String, "with a fairness bound: the favourable class (default: a binary model's positive class)"),
    ];

    public override IReadOnlyList<string> Check(JsonObject with) =>
        !with.ContainsKey("threshold") && !with.ContainsKey("min_absolute_change") && !with.ContainsKey("min_relative_change")
            ? ["threshold: set threshold, min_absolute_change or min_relative_change"] : [];

    public override async Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct)
    {
        var model = context.Require("model");
        var inputs = new List<PipelineArtifact> { model };
        if (context.Find("test") is { } test)
        {
            inputs.Add(test);
        }
        try
        {
            var baseline = await Registry.GetVersionByAliasAsync(Model(model).Name, context.String("baseline") ?? ModelGate.DefaultBaseline, ct);
            var package = await import.GetPackageAsync(baseline.Name, baseline.Version, ct);
            inputs.Add(new PipelineArtifact("baseline", ArtifactTypes.Model, ArtifactUris.Model(baseline.Name, baseline.Version), "sha256:" + package.Sha256));
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            // No champion yet: only absolute thresholds apply.
        }
        return inputs;
    }

    public override async Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct)
    {
        var (name, version) = Model(inputs[0]);
        if (inputs.FirstOrDefault(i => i.Role == "baseline")?.Uri == inputs[0].Uri)
        {
            // A re-run with nothing changed: the candidate already is the baseline, so there is nothing to compare.
            var same = new PipelineArtifact("verdict", ArtifactTypes.GateVerdict, ArtifactUris.Produced(ArtifactTypes.GateVerdict, context.RunKey, context.Step.Id),
                Digests.Of($"True|{inputs[0].Uri} is the baseline"), new JsonObject { ["passed"] = true, ["model"] = inputs[0].Uri, ["baseline"] = inputs[0].Uri });
            return new StepResult([same], $"passed: {name}/{version} already is the {context.String("baseline") ?? ModelGate.DefaultBaseline}");
        }
        var test = inputs.FirstOrDefault(i => i.Role == "test") is { } t ? ArtifactUris.ParseDataset(t.Uri) : null;
        var threshold = new MetricThreshold(context.String("metric"), context.Number("threshold"), context.Number("min_absolute_change"),
            context.Number("min_relative_change"), context.Boolean("greater_is_better"));
        var bias = context.Number("max_abs_dppl") is null && context.Number("min_disparate_impact") is null ? null
            : new BiasBounds(context.String("sensitive_column"), context.String("favourable"), context.Number("max_abs_dppl"), context.Number("min_disparate_impact"));
        var request = new GateRequest([threshold], test?.Name, test?.Version, context.Param("label"), context.String("baseline"),
            context.String("slice_column"), context.Number("max_slice_drop"), bias);
        var verdict = await gate.EvaluateAsync(name, version, request, ct);
        foreach (var check in verdict.Checks)
        {
            await context.Log.WriteLineAsync($"{(check.Passed ? "pass" : "FAIL")}: {check.Reason}");
        }
        var baseline = verdict.Baseline is { } b ? $"{name}/{b}" : "no baseline";
        var artifact = new PipelineArtifact("verdict", ArtifactTypes.GateVerdict, ArtifactUris.Produced(ArtifactTypes.GateVerdict, context.RunKey, context.Step.Id),
            Digests.Of($"{verdict.Passed}|{string.Join('|', verdict.Checks.Select(c => c.Reason))}"),
            new JsonObject { ["passed"] = verdict.Passed, ["model"] = inputs[0].Uri, ["baseline"] = baseline });
        var summary = string.Create(CultureInfo.InvariantCulture, $"{(verdict.Passed ? "passed" : "rejected")}: {name}/{version} against {baseline}");
        return new StepResult([artifact], summary, verdict.Passed ? null : $"gate '{context.Step.Id}' rejected {name}/{version}: {string.Join("; ", verdict.Checks.Where(c => !c.Passed).Select(c => c.Reason))}");
    }

    public override Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.FromResult(true);

    public override JsonObject Implicit(StepContext context) => Label(context);
}
