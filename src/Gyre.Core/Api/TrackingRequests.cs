using Gyre.Core.Tracking;

namespace Gyre.Core.Api;

/// <summary><c>POST /api/v1/experiments</c>.</summary>
public sealed record CreateExperimentRequest(string? Name, IReadOnlyList<Tag>? Tags = null);

/// <summary><c>PATCH /api/v1/experiments/{id}</c>: rename.</summary>
public sealed record UpdateExperimentRequest(string? Name);

/// <summary><c>PUT .../tags/{key}</c>.</summary>
public sealed record SetTagRequest(string? Value);

/// <summary><c>POST /api/v1/runs</c>. A missing experiment id means the default experiment ("0").</summary>
public sealed record CreateRunRequest(
    ExperimentId? ExperimentId = null,
    string? Name = null,
    RunId? ParentRunId = null,
    long? StartTime = null,
    IReadOnlyList<Tag>? Tags = null);

/// <summary><c>PATCH /api/v1/runs/{id}</c>.</summary>
public sealed record UpdateRunRequest(RunStatus? Status = null, long? EndTime = null, string? Name = null);

/// <summary>
/// A metric point on the wire. <paramref name="Value"/> is a JSON number or one of the strings
/// "NaN", "Infinity", "-Infinity"; <paramref name="Step"/> defaults to 0 and
/// <paramref name="Timestamp"/> (ms since the epoch) to the time the server receives it.
/// </summary>
public sealed record MetricInput(string? Key, double? Value, long? Step = null, long? Timestamp = null);

/// <summary><c>POST /api/v1/runs/{id}/log-batch</c>.</summary>
public sealed record LogBatchRequest(
    IReadOnlyList<MetricInput>? Metrics = null,
    IReadOnlyList<Param>? Params = null,
    IReadOnlyList<Tag>? Tags = null);

/// <summary><c>POST /api/v1/runs/{id}/inputs</c>.</summary>
public sealed record LogInputsRequest(IReadOnlyList<DatasetInput>? Datasets);

/// <summary><c>POST /api/v1/runs/search</c>.</summary>
public sealed record SearchRunsRequest(
    IReadOnlyList<ExperimentId>? ExperimentIds = null,
    string? Filter = null,
    ViewType? RunViewType = null,
    IReadOnlyList<string>? OrderBy = null,
    int? MaxResults = null,
    string? PageToken = null);

/// <summary>
/// The answer of <c>GET /api/v1/runs/{id}/metrics/{key}</c>: the points in step order, and a
/// token for the next page when there are more than <c>max_results</c>.
/// </summary>
public sealed record MetricHistory(string Key, IReadOnlyList<Metric> Metrics, string? NextPageToken = null);
