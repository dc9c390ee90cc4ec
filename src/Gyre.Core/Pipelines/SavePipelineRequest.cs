namespace Gyre.Core.Pipelines;

/// <summary>
/// <c>POST /api/v1/pipelines</c>: the pipeline file's text, and the absolute folder (on the
/// server's machine) its relative paths start from; the CLI sends the file's own folder.
/// </summary>
public sealed record SavePipelineRequest(string? Yaml, string? Directory = null);
