using System.Runtime.CompilerServices;
using System.Text.Json;
using Gyre.Core.Data.Bias;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Monitoring.Bias;

/// <summary>
/// The post-training bias of a monitored endpoint's windows (SageMaker Clarify's DPPL, DI, DCAcc, RD,
/// AD and TE per value of the sensitive input), from the labels that have arrived for each window's
/// predictions. Read when asked rather than stored with the window: labels come late, and a window's
/// bias fills in as they do. Every tick, a monitor whose endpoint got feedback since the last look
/// tells the observers (the server's gauges) the newest window's bias that has one.
/// </summary>
public sealed class EndpointBias(IMonitorStore store, EndpointMonitor monitor, IPredictionLog log, IEnumerable<IDriftObserver> observers, TimeProvider time)
{
    /// <summary>The windows the tick looks back over for the newest one with a bias report.</summary>
    private const int TickWindows = 5;

    private readonly Dictionary<string, long> _lookedAt = new(StringComparer.Ordinal);

    /// <summary>
    /// The newest <paramref name="limit"/> windows' bias (newest first). <paramref name="request"/>'s fields
    /// override the monitor's <c>bias</c> settings; a sensitive input the reference lacks, an endpoint
    /// whose reference has no label, or a label without a default favourable value is a 400 naming the field.
    /// </summary>
    public async Task<IReadOnlyList<WindowBias>> ListAsync(string endpoint, BiasSettings? request, int limit, CancellationToken ct)
    {
        var result = new List<WindowBias>();
        await foreach (var window in MeasureAsync(endpoint, request, limit, ct))
        {
            result.Add(window);
        }
        return result;
    }

    /// <summary>Tells the observers the newest window's bias of each monitor with a sensitive input whose endpoint got feedback since the last tick.</summary>
    public async Task TickAsync(CancellationToken ct)
    {
        foreach (var state in await store.ListMonitorsAsync(ct))
        {
            var now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var since = _lookedAt.GetValueOrDefault(state.Endpoint, long.MinValue);
            if (since != long.MinValue && await log.CountFeedbackAsync(state.Endpoint, since, ct) == 0)
            {
                continue;
            }
            _lookedAt[state.Endpoint] = now;
            try
            {
                // Newest first, and no further than the first window with a report.
                await foreach (var window in MeasureAsync(state.Endpoint, null, TickWindows, ct))
                {
                    if (window.Report is not null)
                    {
                        foreach (var observer in observers)
                        {
                            observer.Measured(state.Endpoint, window);
                        }
                        break;
                    }
                }
            }
            catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument && state.Settings.Bias is null)
            {
                // No sensitive input declared or named: nothing to measure on this endpoint.
            }
        }
    }

    /// <summary>
    /// The newest windows' bias, newest first, each measured when asked for. A window none of whose
    /// predictions has a label yet (the feedback says so) is not read at all.
    /// </summary>
    private async IAsyncEnumerable<WindowBias> MeasureAsync(string endpoint, BiasSettings? request, int limit, [EnumeratorCancellation] CancellationToken ct)
    {
        var state = await monitor.GetAsync(endpoint, ct);
        var windows = await store.ListWindowsAsync(endpoint, limit, ct);
        if (windows.Count == 0)
        {
            yield break;
        }
        var (sensitive, label, favourable) = await ResolveAsync(state, request, ct);
        var labelled = (await log.LabelledAsync(endpoint, windows[^1].Start, ct)).Select(l => l.Time).ToList();
        foreach (var window in windows)
        {
            var rows = labelled.Any(t => t >= window.Start && t < window.End)
                ? (await monitor.ReadAsync(endpoint, window.Start, window.End, EndpointMonitor.MaxWindowPredictions, ct)).Where(r => r.Actual is not null).ToList()
                : [];
            yield return Measure(window, rows, sensitive, label, favourable);
        }
    }

    /// <summary>One window's bias from its labelled rows: each row's sensitive input, its label as reported and its answer's label.</summary>
    public static WindowBias Measure(DriftWindow window, IReadOnlyList<LoggedPrediction> labelled, string sensitive, string label, string? favourable)
    {
        if (labelled.Count == 0)
        {
            return new WindowBias(window.Id, window.Start, window.End, window.Predictions, 0, null, "no labelled prediction yet");
        }
        var groups = new Dictionary<(string? Facet, string? Label, string? Predicted), long>();
        foreach (var row in labelled)
        {
            using var inputs = JsonDocument.Parse(row.Prediction.Inputs);
            using var outputs = JsonDocument.Parse(row.Prediction.Outputs);
            using var actual = JsonDocument.Parse(row.Actual!);
            var facet = inputs.RootElement.ValueKind == JsonValueKind.Object && inputs.RootElement.TryGetProperty(sensitive, out var value) ? JsonValues.Text(value) : null;
            var predicted = outputs.RootElement.ValueKind == JsonValueKind.Object && outputs.RootElement.TryGetProperty("label", out var answer) ? JsonValues.Text(answer) : null;
            var key = (facet, JsonValues.Text(actual.RootElement), predicted);
            groups[key] = groups.GetValueOrDefault(key) + 1;
        }
        if (groups.Keys.All(g => g.Predicted is null))
        {
            return new WindowBias(window.Id, window.Start, window.End, window.Predictions, labelled.Count, null,
                "the answers carry no class label: post-training bias needs a classifier");
        }
        try
        {
            var report = BiasAnalysis.Analyse($"window {window.Id}", sensitive, label, new BiasRequest(sensitive, label, favourable),
                [.. groups.Where(g => g.Key.Predicted is not null).Select(g => new BiasAnalysis.Group(g.Key.Facet, g.Key.Label, g.Key.Predicted, g.Value))]);
            return new WindowBias(window.Id, window.Start, window.End, window.Predictions, labelled.Count, report);
        }
        catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            // One group among the labelled rows so far, or the favourable value not yet seen: the window is not comparable yet.
            return new WindowBias(window.Id, window.Start, window.End, window.Predictions, labelled.Count, null, e.Message);
        }
    }

    /// <summary>The sensitive input, the label and its favourable value, checked against the reference of the version the endpoint serves.</summary>
    private async Task<(string Sensitive, string Label, string? Favourable)> ResolveAsync(EndpointMonitorState state, BiasSettings? request, CancellationToken ct)
    {
        var settings = state.Settings.Bias;
        var (reference, label, columns) = await monitor.ReferenceOfAsync(state, ct);
        var referenceName = $"{reference.Dataset}@{reference.Version}";
        var sensitive = request?.Sensitive ?? settings?.Sensitive ?? columns.FirstOrDefault(c => c.Role == Data.Schemas.ColumnRole.Sensitive)?.Name
            ?? throw GyreException.Invalid($"sensitive: the reference {referenceName} declares no column with role sensitive; name the sensitive input");
        if (!columns.Any(c => c.Name == sensitive))
        {
            throw GyreException.Invalid($"sensitive: '{sensitive}' is not a column of the reference {referenceName} (its columns: {string.Join(", ", columns.Select(c => c.Name))})");
        }
        if (label is null)
        {
            throw GyreException.Invalid($"reference: {referenceName} has no label column; bias compares predictions with labels");
        }
        var favourable = request?.Favourable ?? settings?.Favourable;
        var values = label.Counts?.Select(c => c.Value).ToList() ?? [];
        if (favourable is not null && values.Count > 0 && !values.Contains(favourable, StringComparer.Ordinal))
        {
            throw GyreException.Invalid($"favourable: '{favourable}' is not a value of '{label.Name}' in {referenceName} (its values: {string.Join(", ", values.Order(StringComparer.Ordinal))})");
        }
        if (favourable is null && !(values.Count == 2 && (values.Order(StringComparer.Ordinal).SequenceEqual(["false", "true"]) || values.Order(StringComparer.Ordinal).SequenceEqual(["0", "1"]))))
        {
            throw GyreException.Invalid($"favourable: name the favourable value of '{label.Name}'" + (values.Count > 0 ? $" (its values: {string.Join(", ", values.Order(StringComparer.Ordinal))})" : ""));
        }
        return (sensitive, label.Name, favourable);
    }
}
