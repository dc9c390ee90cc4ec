namespace Gyre.Core.Pipelines.Lineage;

/// <summary>Links an artifact to an execution that read it (<c>input</c>) or made it (<c>output</c>), with the role it played.</summary>
public sealed record LineageEvent(long ExecutionId, long ArtifactId, string Kind, string Role)
{
    public const string Input = "input";
    public const string Output = "output";
}
