namespace Gyre.Core.Pipelines.Steps;

/// <summary>The kinds of artifact the built-in steps read and make.</summary>
public static class ArtifactTypes
{
    public const string Dataset = "dataset_version";
    public const string Model = "model_version";
    public const string File = "file";
    public const string ValidationReport = "validation_report";
    public const string Metrics = "metrics";
    public const string GateVerdict = "gate_verdict";
    public const string Rollout = "rollout";
}
