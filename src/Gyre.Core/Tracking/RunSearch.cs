namespace Gyre.Core.Tracking;

/// <summary>
/// A search over runs: the filter language on <c>metrics.</c>, <c>params.</c>, <c>tags.</c> and
/// <c>attributes.</c>, an order such as <c>["metrics.rmse DESC"]</c>, and paging by an opaque token.
/// </summary>
public sealed record RunSearch(
    IReadOnlyList<ExperimentId> ExperimentIds,
    string? Filter = null,
    ViewType RunViewType = ViewType.ActiveOnly,
    IReadOnlyList<string>? OrderBy = null,
    int MaxResults = 1000,
    string? PageToken = null)
{
    public const int MaxResultsLimit = 50_000;
}
