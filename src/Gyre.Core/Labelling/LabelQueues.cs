using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;

namespace Gyre.Core.Labelling;

/// <summary>A queue with where its sampler is, how many items are in each state, and its labellers' agreement.</summary>
public sealed record LabelQueueStatus(LabelQueueDefinition Queue, long SampledUntil, IReadOnlyDictionary<string, long> Items, LabelAgreement Agreement);

/// <summary>Creates, lists, shows and deletes labelling queues; the labels they hold come through <see cref="LabelDesk"/>.</summary>
public sealed class LabelQueues(ILabelStore store, IEndpointStore endpoints, ModelImport models, IMonitorStore monitors, TimeProvider time)
{
    public const long DefaultWindowSeconds = 600;
    public const long MaxWindowSeconds = 7 * 86400;

    /// <summary>The largest quota a slice strategy gives each value in a window.</summary>
    public const int MaxSliceQuota = 1000;

    public async Task<LabelQueueDefinition> CreateAsync(LabelQueueRequest request, CancellationToken ct)
    {
        var problems = new List<string>();
        Naming.Names.AddIf(problems, EndpointNames.Check("name", request.Name, "a labelling queue"));
        Naming.Names.AddIf(problems, EndpointNames.Check("endpoint", request.Endpoint));
        if (!LabelStrategies.All.Contains(request.Strategy ?? ""))
        {
            problems.Add($"strategy: expected one of {string.Join(", ", LabelStrategies.All)}, got '{request.Strategy}'");
        }
        try
        {
            LabelRate.Check(request.Rate);
        }
        catch (GyreException e)
        {
            problems.Add(e.Message);
        }
        var window = request.WindowSeconds ?? DefaultWindowSeconds;
        if (window is < 1 or > MaxWindowSeconds)
        {
            problems.Add($"window_seconds: expected 1 to {MaxWindowSeconds} (a week), got {window}");
        }
        if (request.Double is { } share && !(share is >= 0 and <= 1))
        {
            problems.Add($"double: expected the share of items labelled twice, 0 to 1, got {share}");
        }
        var prefer = request.Prefer ?? LabelPreferences.Application;
        if (!LabelPreferences.All.Contains(prefer))
        {
            problems.Add($"prefer: expected {string.Join(" or ", LabelPreferences.All)}, got '{prefer}'");
        }
        if (request.Tolerance is { } tolerance && !(tolerance >= 0 && double.IsFinite(tolerance)))
        {
            problems.Add($"tolerance: expected a number of 0 or more, got {tolerance}");
        }
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (request.Since is < 0 || request.Since > now)
        {
            problems.Add($"since: expected a time in ms since the epoch, not in the future, got {request.Since}");
        }
        if (request.Strategy == LabelStrategies.Slice)
        {
            if (request.Slice is not { Column.Length: > 0 })
            {
                problems.Add("slice: the slice strategy needs {column, quota}: the column whose values each get a quota");
            }
            else if (request.Slice.Quota is < 1 or > MaxSliceQuota)
            {
                problems.Add($"slice.quota: expected 1 to {MaxSliceQuota} items per value and window, got {request.Slice.Quota}");
            }
        }
        else if (request.Slice is not null)
        {
            problems.Add($"slice: only the slice strategy takes a column and quota, not '{request.Strategy}'");
        }
        GyreException.ThrowIfAny(problems);

        Endpoint endpoint;
        try
        {
            endpoint = await endpoints.GetEndpointAsync(request.Endpoint, ct);
        }
        catch (GyreException e) when (e.Code == ErrorCode.NotFound)
        {
            throw GyreException.NotFound($"endpoint: no endpoint named '{request.Endpoint}'");
        }
        var primary = Primary(endpoint);
        var package = await models.GetPackageAsync(primary.ModelName, primary.ModelVersion, ct);
        var choices = Choices(package, primary);
        if (choices is null && request.Strategy == LabelStrategies.Uncertainty)
        {
            throw GyreException.Invalid($"strategy: uncertainty needs a classifier's scores; {primary.ModelName}/{primary.ModelVersion} is a {package.Task ?? "model without a task"}");
        }
        if (request.Strategy == LabelStrategies.Drift && await monitors.GetMonitorAsync(endpoint.Name, ct) is null)
        {
            throw GyreException.Invalid($"strategy: drift picks from the features that drifted in the monitor's latest window, and '{endpoint.Name}' has no monitor (gyre monitor set {endpoint.Name})");
        }
        var queue = new LabelQueueDefinition(request.Name, endpoint.Name, request.Strategy!, request.Rate.Trim(), window, request.Double ?? 0, prefer, request.Slice, choices,
            request.Tolerance ?? 0, request.Seed ?? Random.Shared.Next(), request.Since ?? now, now, request.Description);
        await store.AddQueueAsync(queue, ct);
        return queue;
    }

    public async Task<IReadOnlyList<LabelQueueStatus>> ListAsync(CancellationToken ct)
    {
        var counts = await store.AllCountsAsync(ct); // every queue's in one read
        var statuses = new List<LabelQueueStatus>();
        foreach (var (queue, until) in await store.ListQueuesAsync(ct))
        {
            statuses.Add(await StatusAsync(queue, until, counts.GetValueOrDefault(queue.Name)?.ByState ?? new Dictionary<string, long>(), ct));
        }
        return statuses;
    }

    public async Task<LabelQueueStatus> GetAsync(string name, CancellationToken ct)
    {
        var (queue, until) = await store.GetQueueAsync(name, ct) ?? throw NotFound(name);
        return await StatusAsync(queue, until, await store.CountsAsync(queue.Name, ct), ct);
    }

    public Task<LabelQueueDefinition> QueueAsync(string name, CancellationToken ct) => QueueAsync(store, name, ct);

    /// <summary>A queue by name; one that does not exist is a 404 naming it.</summary>
    internal static async Task<LabelQueueDefinition> QueueAsync(ILabelStore store, string name, CancellationToken ct) =>
        (await store.GetQueueAsync(name, ct))?.Queue ?? throw NotFound(name);

    public async Task DeleteAsync(string name, CancellationToken ct)
    {
        if (!await store.DeleteQueueAsync(name, ct))
        {
            throw NotFound(name);
        }
    }

    private async Task<LabelQueueStatus> StatusAsync(LabelQueueDefinition queue, long until, IReadOnlyDictionary<string, long> counts, CancellationToken ct)
    {
        var items = LabelItemStates.All.ToDictionary(s => s, s => counts.GetValueOrDefault(s), StringComparer.Ordinal);
        return new LabelQueueStatus(queue, until, items, LabelAgreements.Of(queue, await store.LabelsAsync(queue.Name, ct)));
    }

    internal static GyreException NotFound(string name) => GyreException.NotFound($"labelling queue '{name}' not found");

    /// <summary>The variant whose answers are the endpoint's own: the live one with the most traffic.</summary>
    internal static EndpointVariant Primary(Endpoint endpoint) =>
        endpoint.Variants.Where(v => v.Role == VariantRoles.Live).OrderByDescending(v => v.Weight).FirstOrDefault() ?? endpoint.Variants[0];

    /// <summary>The label choices: a classifier's classes (a binary model without names answers false and true); null for a regression.</summary>
    private static IReadOnlyList<string>? Choices(ModelPackage package, EndpointVariant variant) => package.Task switch
    {
        ModelTasks.Binary => package.Classes is { Count: 2 } classes ? classes : ["false", "true"],
        ModelTasks.Multiclass => package.Classes is { Count: > 1 } classes ? classes
            : throw GyreException.Invalid($"endpoint: {variant.ModelName}/{variant.ModelVersion} names no classes, so there is nothing to offer labellers"),
        ModelTasks.Regression => null,
        _ => throw GyreException.Invalid($"endpoint: {variant.ModelName}/{variant.ModelVersion} has no task (binary, multiclass or regression), so its labels cannot be told"),
    };
}
