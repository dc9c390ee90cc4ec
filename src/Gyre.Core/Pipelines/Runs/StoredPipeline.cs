namespace Gyre.Core.Pipelines.Runs;

/// <summary>
/// A pipeline the server knows: its current file (by digest; older versions stay readable for the
/// runs made with them), the folder its relative paths start from, and where its triggers are.
/// </summary>
public sealed record StoredPipeline(
    string Name,
    string Digest,
    string Yaml,
    string? Directory,
    long CreationTime,
    long LastUpdateTime,
    TriggerState Triggers);
