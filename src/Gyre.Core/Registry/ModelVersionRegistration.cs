using Gyre.Core.Artifacts;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>
/// Registers an artifact of a run as a model version, after checking that the run and the
/// artifact exist, and answers lineage questions that cross the registry and tracking.
/// </summary>
public sealed class ModelVersionRegistration(ITrackingStore tracking, IRegistryStore registry, IArtifactStore artifacts)
{
    public async Task<ModelVersion> RegisterAsync(string modelName, NewModelVersion version, CancellationToken ct)
    {
        var path = ArtifactPath.Parse(version.ArtifactPath, "artifact_path");
        var run = await GetRunOrInvalidAsync(version.RunId, ct);
        if (!await artifacts.ExistsAsync(RunArtifacts.RootOf(run.ArtifactUri), path, ct))
        {
            throw GyreException.Invalid($"artifact_path: run '{run.RunId}' has no artifact '{path}'");
        }
        var source = $"runs:/{run.RunId}/{path}";
        return await registry.CreateVersionAsync(modelName, version with { ArtifactPath = path.Value }, source, ct);
    }

    /// <summary>The version, the run that produced it (null if it was purged), and the datasets the run read.</summary>
    public async Task<ModelLineage> LineageAsync(string modelName, long version, CancellationToken ct)
    {
        var modelVersion = await registry.GetVersionAsync(modelName, version, ct);
        Run? run = null;
        if (modelVersion.RunId is { } runId)
        {
            try
            {
                run = await tracking.GetRunAsync(runId, ct);
            }
            catch (GyreException e) when (e.Code == ErrorCode.NotFound)
            {
                run = null;
            }
        }
        return new ModelLineage(modelVersion, run, run?.Inputs ?? []);
    }

    private async Task<Run> GetRunOrInvalidAsync(RunId runId, CancellationToken ct)
    {
        try
        {
            return await tracking.GetRunAsync(runId, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            throw GyreException.Invalid($"run_id: run '{runId}' does not exist");
        }
    }
}
