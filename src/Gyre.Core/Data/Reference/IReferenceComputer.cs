namespace Gyre.Core.Data.Reference;

/// <summary>Computes reference statistics from a stored version's file.</summary>
public interface IReferenceComputer
{
    Task<ReferenceStatistics> ComputeAsync(string path, DatasetVersion version, CancellationToken ct);

    /// <summary>
    /// The statistics a drift check needs of a window of current data, fast: one scan, approximate
    /// quantiles (t-digest; <c>QuantilesApproximate</c>) and distinct counts, exact values when there
    /// are at most <see cref="ReferenceSettings.ExactMaxValues"/>, no PSI bins.
    /// </summary>
    Task<ReferenceStatistics> ComputeWindowAsync(string path, DatasetVersion version, CancellationToken ct);
}
