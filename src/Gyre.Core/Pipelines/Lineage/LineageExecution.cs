using System.Text.Json.Nodes;

namespace Gyre.Core.Pipelines.Lineage;

/// <summary>
/// One execution of a step (ML Metadata's Execution) in a pipeline run (its Context): the step's
/// type and code version, its parameters, its cache key, and whether it ran or was served from the cache.
/// A model trained or imported outside a pipeline is traced through its tracking run instead:
/// <c>TrackingRun</c> names it, and <c>RunId</c> is 0.
/// </summary>
public sealed record LineageExecution(
    long Id,
    long RunId,
    string Pipeline,
    string Step,
    string Type,
    string State,
    string CodeVersion,
    JsonObject Parameters,
    string? CacheKey,
    long StartTime,
    long EndTime,
    string? TrackingRun = null);
