namespace Gyre.Core.Pipelines.Runs;

/// <summary>Pipelines, their runs, the step cache and the file digest cache.</summary>
public interface IPipelineStore
{
    /// <summary>Creates or replaces the pipeline; the file's text is kept under its digest for the runs made with it.</summary>
    Task SavePipelineAsync(StoredPipeline pipeline, CancellationToken ct);

    Task<StoredPipeline> GetPipelineAsync(string name, CancellationToken ct);

    Task<IReadOnlyList<StoredPipeline>> ListPipelinesAsync(CancellationToken ct);

    Task DeletePipelineAsync(string name, CancellationToken ct);

    Task SaveTriggerStateAsync(string name, TriggerState state, CancellationToken ct);

    /// <summary>The file's text and folder at <paramref name="digest"/>.</summary>
    Task<(string Yaml, string? Directory)> GetVersionAsync(string name, string digest, CancellationToken ct);

    /// <summary>
    /// Creates the run; with <paramref name="triggers"/> (a trigger fired it), saves the pipeline's
    /// trigger state in the same transaction, so that a firing and its run are stored together or
    /// not at all, and a restart between them can neither repeat the firing nor lose it.
    /// </summary>
    Task<PipelineRun> CreateRunAsync(PipelineRun run, TriggerState? triggers, CancellationToken ct);

    Task SaveRunAsync(PipelineRun run, CancellationToken ct);

    Task<PipelineRun> GetRunAsync(long id, CancellationToken ct);

    /// <summary>Newest first; <paramref name="pipeline"/> null lists every pipeline's.</summary>
    Task<IReadOnlyList<PipelineRun>> ListRunsAsync(string? pipeline, int limit, CancellationToken ct);

    /// <summary>Oldest first.</summary>
    Task<IReadOnlyList<PipelineRun>> ListRunsInStateAsync(IReadOnlyList<string> states, CancellationToken ct);

    Task<CachedStep?> GetCachedAsync(string key, CancellationToken ct);

    Task PutCachedAsync(CachedStep entry, CancellationToken ct);

    /// <summary>The digest recorded for the file at this size and modification time, if any.</summary>
    Task<string?> GetFileDigestAsync(string path, long size, long modified, CancellationToken ct);

    Task PutFileDigestAsync(string path, long size, long modified, string digest, CancellationToken ct);
}
