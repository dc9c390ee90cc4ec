using Gyre.Core.Data;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>
/// What every built-in step reads its artifacts through: the dataset and model versions they name,
/// and the digests of the files they are.
/// </summary>
public sealed class StepArtifacts(IDatasetStore datasets, IRegistryStore registry, FileDigests files)
{
    public IDatasetStore Datasets => datasets;

    public IRegistryStore Registry => registry;

    public FileDigests Files => files;
}
