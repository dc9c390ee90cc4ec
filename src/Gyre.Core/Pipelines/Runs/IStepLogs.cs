namespace Gyre.Core.Pipelines.Runs;

/// <summary>Where each step's log goes: appended while it runs (every attempt), read afterwards.</summary>
public interface IStepLogs
{
    /// <summary>Opens the step's log for appending; disposing it (asynchronously) closes it.</summary>
    Task<TextWriter> OpenAsync(long runId, string stepId, CancellationToken ct);

    /// <summary>The log's text, or null when the step has written none.</summary>
    Task<string?> ReadAsync(long runId, string stepId, CancellationToken ct);
}
