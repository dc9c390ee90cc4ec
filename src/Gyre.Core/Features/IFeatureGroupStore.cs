namespace Gyre.Core.Features;

/// <summary>Where feature groups are recorded (their rows live in the dataset store).</summary>
public interface IFeatureGroupStore
{
    /// <summary>Records a new group; conflict when one of that name exists.</summary>
    Task AddAsync(FeatureGroup group, CancellationToken ct);

    Task<FeatureGroup?> GetAsync(string name, CancellationToken ct);

    /// <summary>Every group, by name.</summary>
    Task<IReadOnlyList<FeatureGroup>> ListAsync(CancellationToken ct);

    /// <summary>Appends a part to a group in one transaction (concurrent ingests each land); not found when the group is gone.</summary>
    Task<FeatureGroup> AddPartAsync(string name, FeatureGroupPart part, CancellationToken ct);

    /// <summary>
    /// Records how far the online store has read, in one transaction; a record of fewer parts than the
    /// stored one changes nothing (a slower materialisation finishing last). Not found when the group is gone.
    /// </summary>
    Task<FeatureGroup> SetMaterializedAsync(string name, Online.Materialization materialized, CancellationToken ct);

    /// <summary>False when there was no such group.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken ct);
}
