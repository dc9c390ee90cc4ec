using System.Text.Json.Nodes;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary>What most built-in steps share: cacheable, and cached outputs reusable while the dataset and model versions they name still exist.</summary>
internal abstract class StepType(StepArtifacts artifacts) : IStepType
{
    protected IDatasetStore Datasets => artifacts.Datasets;

    protected IRegistryStore Registry => artifacts.Registry;

    protected FileDigests Files => artifacts.Files;

    public abstract string Name { get; }

    public abstract IReadOnlyList<StepParameter> Parameters { get; }

    public virtual string CodeVersion => Name + "/1";

    public virtual bool Cacheable(JsonObject with) => true;

    public virtual IReadOnlyList<string> Check(JsonObject with) => [];

    public abstract Task<IReadOnlyList<PipelineArtifact>> InputsAsync(StepContext context, CancellationToken ct);

    public abstract Task<StepResult> ExecuteAsync(StepContext context, IReadOnlyList<PipelineArtifact> inputs, CancellationToken ct);

    public virtual JsonObject Implicit(StepContext context) => [];

    public virtual Task ReapplyAsync(StepContext context, IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct) => Task.CompletedTask;

    /// <summary>The label a step uses: its own, else the pipeline's <c>label</c> parameter.</summary>
    protected static JsonObject Label(StepContext context) => new() { ["label"] = context.String("label") ?? context.Param("label") };

    public virtual async Task<bool> OutputsExistAsync(IReadOnlyList<PipelineArtifact> outputs, CancellationToken ct)
    {
        foreach (var output in outputs)
        {
            try
            {
                if (ArtifactUris.ParseDataset(output.Uri) is var (dataset, version))
                {
                    await Datasets.GetVersionAsync(dataset, version, ct);
                }
                else if (ArtifactUris.ParseModel(output.Uri) is var (model, modelVersion))
                {
                    await Registry.GetVersionAsync(model, modelVersion, ct);
                }
                else if (output.Type == ArtifactTypes.File && (!File.Exists(ArtifactUris.FilePath(output.Uri)) || await Files.DigestAsync(ArtifactUris.FilePath(output.Uri), ct) != output.Digest))
                {
                    return false;
                }
            }
            catch (GyreException e) when (e.Code == ErrorCode.NotFound)
            {
                return false;
            }
        }
        return true;
    }

    protected static Task<IReadOnlyList<PipelineArtifact>> Inputs(params PipelineArtifact?[] artifacts) =>
        Task.FromResult<IReadOnlyList<PipelineArtifact>>([.. artifacts.OfType<PipelineArtifact>()]);

    protected async Task<Data.DatasetVersion> DatasetAsync(PipelineArtifact artifact, CancellationToken ct)
    {
        var (name, version) = ArtifactUris.ParseDataset(artifact.Uri) ?? throw GyreException.Invalid($"{artifact.Role}: '{artifact.Uri}' is not a dataset version");
        return await Datasets.GetVersionAsync(name, version, ct);
    }

    /// <summary>A stored version named as <c>NAME</c>, <c>NAME@latest</c> or <c>NAME@VERSION</c> in <paramref name="field"/>.</summary>
    protected Task<Data.DatasetVersion> ResolveDatasetAsync(string field, string text, CancellationToken ct) => Datasets.ResolveAsync(field, text, ct);

    protected static PipelineArtifact DatasetArtifact(string role, Data.DatasetVersion version) =>
        new(role, ArtifactTypes.Dataset, ArtifactUris.Dataset(version.Name, version.Version), version.Digest,
            new JsonObject { ["rows"] = version.Rows });

    protected static (string Name, long Version) Model(PipelineArtifact artifact) =>
        ArtifactUris.ParseModel(artifact.Uri) ?? throw GyreException.Invalid($"{artifact.Role}: '{artifact.Uri}' is not a model version");
}
