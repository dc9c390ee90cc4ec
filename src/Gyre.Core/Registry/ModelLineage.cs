using Gyre.Core.Tracking;

namespace Gyre.Core.Registry;

/// <summary>Where a model version came from: its run, and the datasets that run read.</summary>
public sealed record ModelLineage(ModelVersion ModelVersion, Run? Run, IReadOnlyList<DatasetInput> Datasets);
