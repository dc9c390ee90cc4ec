using Gyre.Core.Data.Reference;
using Gyre.Core.Errors;

namespace Gyre.Core.Monitoring.Drift;

/// <summary>
/// Drift between two dataset versions on demand, the way people use Evidently's reports: each side's
/// reference statistics (computed once per version and kept) are compared by <see cref="DriftCheck"/>.
/// </summary>
public sealed class DatasetDrift(DatasetReferences references)
{
    public async Task<DriftReport> CompareAsync(DriftRequest request, CancellationToken ct)
    {
        var problems = new List<string>();
        if (string.IsNullOrEmpty(request.Reference?.Dataset))
        {
            problems.Add("reference: expected {dataset, version?}");
        }
        if (string.IsNullOrEmpty(request.Current?.Dataset))
        {
            problems.Add("current: expected {dataset, version?}");
        }
        GyreException.ThrowIfAny(problems);
        var reference = await references.GetOrComputeAsync(request.Reference!.Dataset!, request.Reference.Version ?? 0, ct);
        var current = await references.GetOrComputeAsync(request.Current!.Dataset!, request.Current.Version ?? 0, ct);
        return DriftCheck.Compare(reference, current, request);
    }
}
