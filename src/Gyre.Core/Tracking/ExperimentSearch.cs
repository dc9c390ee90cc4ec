namespace Gyre.Core.Tracking;

/// <summary>
/// A search over experiments. <see cref="Filter"/> uses the search language on <c>name</c>
/// (or <c>attributes.name</c>), <c>creation_time</c>, <c>last_update_time</c> and <c>tags.KEY</c>.
/// </summary>
public sealed record ExperimentSearch(
    string? Filter = null,
    ViewType ViewType = ViewType.ActiveOnly,
    IReadOnlyList<string>? OrderBy = null,
    int MaxResults = 1000,
    string? PageToken = null);
