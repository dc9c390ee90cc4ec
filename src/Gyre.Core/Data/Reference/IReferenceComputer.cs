namespace Gyre.Core.Data.Reference;

/// <summary>Computes reference statistics from a stored version's file.</summary>
public interface IReferenceComputer
{
    Task<ReferenceStatistics> ComputeAsync(string path, DatasetVersion version, CancellationToken ct);
}
