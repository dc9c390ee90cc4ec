using System.Text.Json;
using Gyre.Core.Background;
using Gyre.Core.Data;
using Gyre.Core.Data.Reference;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Multivariate;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Monitoring.Sequential;
using Gyre.Core.Monitoring.Windows;
using Gyre.Core.Registry;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;
using Gyre.Core.Tracking;
using Microsoft.Extensions.Logging;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// Watches endpoints for drift: every tick, each monitored endpoint's next tumbling window (a count of
/// predictions, or a span of time) is read from the prediction log once it is complete, its inputs
/// compared feature by feature with the reference — by default the dataset the served version was
/// trained on — and its predictions with the reference's label; the window is stored as a point of
/// the endpoint's drift time series. Shadow copies are left out: they repeat rows the primary answered.
/// A window that drifted as a data set extends the endpoint's streak; a streak of <c>alarm_after</c>
/// windows raises a drift alarm, which is what policies act on.
/// </summary>
public sealed class EndpointMonitor(
    IMonitorStore store, IEndpointStore endpoints, IRegistryStore registry, ITrackingStore tracking, IDatasetStore datasets,
    DatasetReferences references, IPredictionLog log, PerformanceEstimator estimator, ReconstructionDrift reconstruction, Skew.SkewCheck skew, TimeProvider time,
    IEnumerable<IDriftObserver> observers, BackgroundErrors errors, ILogger<EndpointMonitor> logger)
{
    public const int MaxWindowPredictions = 100_000;

    /// <summary>The sequential statistic of a binary classifier's accuracy estimated without labels.</summary>
    public const string EstimatedAccuracy = "estimated_accuracy";

    /// <summary>The sequential statistic of a classifier's accuracy over the window's predictions labelled by the time it closed.</summary>
    public const string RealizedAccuracy = "realized_accuracy";

    /// <summary>The sequential statistic of a regression's MAE over the window's predictions labelled by the time it closed.</summary>
    public const string RealizedMae = "realized_mae";

    /// <summary>The fewest labelled predictions a window needs for its realized metric to be a sequential statistic.</summary>
    public const int MinRealizedLabels = 30;

    /// <summary>The sequential statistic of the window's mean PCA reconstruction error.</summary>
    public const string ReconstructionError = "reconstruction_error";
    private const int PageSize = 5000;

    public async Task<EndpointMonitorState> SetAsync(string endpoint, MonitorSettings settings, CancellationToken ct)
    {
        var found = await endpoints.GetEndpointAsync(endpoint, ct);
        var problems = new List<string>();
        if (settings.WindowPredictions is { } n && n is < MonitorSettings.MinWindowPredictions or > MaxWindowPredictions)
        {
            problems.Add($"window_predictions: expected {MonitorSettings.MinWindowPredictions} to {MaxWindowPredictions}, got {n}");
        }
        if (settings.WindowSeconds is { } s && s is < 1 or > 30 * 86400)
        {
            problems.Add($"window_seconds: expected 1 to {30 * 86400} (30 days), got {s}");
        }
        if (settings.WindowPredictions is not null && settings.WindowSeconds is not null)
        {
            problems.Add("window_seconds: give window_predictions or window_seconds, not both");
        }
        if (settings.Reference is { Dataset: null or "" })
        {
            problems.Add("reference.dataset: expected a dataset name");
        }
        if (settings.AlarmAfter is { } after && after is < 1 or > 100)
        {
            problems.Add($"alarm_after: expected 1 to 100 windows in a row, got {after}");
        }
        problems.AddRange(settings.Sequential?.Problems("sequential") ?? []);
        problems.AddRange(settings.Multivariate?.Problems() ?? []);
        if (settings.Performance?.Reference is { Dataset: null or "" })
        {
            problems.Add("performance.reference.dataset: expected a dataset name");
        }
        GyreException.ThrowIfAny(problems);
        if (settings.Performance is { Enabled: true } performance)
        {
            // Asked for explicitly: whatever stops it is the request's problem now, not a note on every window.
            await estimator.ReferenceAsync(found.Variants[0].ModelName, found.Variants[0].ModelVersion, performance, ct);
        }
        // Checked now rather than at the first window: the reference must exist, and the tests must fit its columns.
        var (reference, _, referenceColumns) = await ReferenceAsync(settings, found.Variants[0].ModelName, found.Variants[0].ModelVersion, ct);
        var request = Request(settings, reference, null);
        DriftCheck.Compare(reference, reference, request);
        if (settings.Bias?.Sensitive is { } sensitive && !referenceColumns.Any(c => c.Name == sensitive))
        {
            throw GyreException.Invalid($"bias.sensitive: '{sensitive}' is not a column of the reference {reference.Dataset}@{reference.Version} (its columns: {string.Join(", ", referenceColumns.Select(c => c.Name))})");
        }
        var existing = await store.GetMonitorAsync(endpoint, ct);
        var state = new EndpointMonitorState(endpoint, settings, existing?.NextWindowStart ?? Now(), existing?.CreationTime ?? Now());
        await store.SaveMonitorAsync(state, ct);
        return state;
    }

    public async Task<EndpointMonitorState> GetAsync(string endpoint, CancellationToken ct) =>
        await store.GetMonitorAsync(endpoint, ct) ?? throw GyreException.NotFound($"endpoint '{endpoint}' is not monitored; start with PUT /api/v1/endpoints/{endpoint}/monitor");

    public async Task DeleteAsync(string endpoint, CancellationToken ct)
    {
        if (!await store.DeleteMonitorAsync(endpoint, ct))
        {
            throw GyreException.NotFound($"endpoint '{endpoint}' is not monitored");
        }
    }

    public Task<IReadOnlyList<DriftWindow>> ListWindowsAsync(string endpoint, int limit, CancellationToken ct) => store.ListWindowsAsync(endpoint, limit, ct);

    /// <summary>The newest windows' estimated performance beside the realized one, from the labels that have arrived since (newest first).</summary>
    public async Task<IReadOnlyList<PerformanceWindow>> PerformanceAsync(string endpoint, int limit, CancellationToken ct)
    {
        await GetAsync(endpoint, ct);
        var windows = await store.ListWindowsAsync(endpoint, limit, ct);
        if (windows.Count == 0)
        {
            return [];
        }
        var labelled = await log.LabelledAsync(endpoint, windows[^1].Start, ct);
        return [.. windows.Select(w => new PerformanceWindow(w.Id, w.Start, w.End, w.Predictions, w.Performance,
            RealizedMetrics.Of([.. labelled.Where(l => l.Time >= w.Start && l.Time < w.End)])))];
    }

    public async Task TickAsync(CancellationToken ct)
    {
        foreach (var monitor in await store.ListMonitorsAsync(ct))
        {
            try
            {
                var current = monitor;
                // Catch up window by window (after a restart several may be complete).
                for (var i = 0; i < 100 && await NextWindowAsync(current, ct) is { } next; i++)
                {
                    current = current with { NextWindowStart = next };
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                errors.Count(Workers.Monitor);
                GyreLog.MonitorFailed(logger, e, monitor.Endpoint);
            }
        }
    }

    /// <summary>Checks the monitor's next window if it is complete; returns where the following one starts.</summary>
    private async Task<long?> NextWindowAsync(EndpointMonitorState monitor, CancellationToken ct)
    {
        var settings = monitor.Settings;
        var start = monitor.NextWindowStart;
        long end;
        if (settings.WindowSeconds is { } seconds)
        {
            end = start + (long)(seconds * 1000);
            if (end > Now())
            {
                return null;
            }
        }
        else
        {
            var size = settings.WindowPredictions ?? MonitorSettings.DefaultWindowPredictions;
            var first = await ReadAsync(monitor.Endpoint, start, Now() + 1, size, ct);
            if (first.Count < size)
            {
                return null;
            }
            // Rows logged in the same millisecond as the last one belong to this window too.
            end = first[^1].Prediction.Time + 1;
        }
        var rows = await ReadAsync(monitor.Endpoint, start, end, MaxWindowPredictions, ct);
        if (rows.Count == 0)
        {
            await store.SaveMonitorAsync(monitor with { NextWindowStart = end }, ct);
            return end;
        }
        var served = rows.GroupBy(r => (r.Prediction.ModelName, r.Prediction.ModelVersion)).MaxBy(g => g.Count())!.Key;
        var (reference, label, referenceColumns) = await ReferenceAsync(settings, served.ModelName, served.ModelVersion, ct);
        var inputs = LoggedColumns.Read([.. rows.Select(r => r.Prediction.Inputs)]);
        // Inputs logged as arrays (embeddings) are vectors: only the domain classifier reads them.
        var vectors = referenceColumns.Select(c => c.Name).Where(name => name != label?.Name && inputs.IsVector(name)).ToList();
        var present = reference.Columns.Where(c => c.Name != label?.Name && !vectors.Contains(c.Name) && inputs.Has(c.Name)).ToList();
        var window = WindowStatistics.From(monitor.Endpoint, inputs, present);
        var report = DriftCheck.Compare(reference, window, Request(settings, reference, [.. present.Select(c => c.Name)]));
        var answers = label is null ? null : Answers(label, rows);
        var prediction = answers is null ? null : PredictionDrift(reference, label!, answers);
        var previous = await store.ListWindowsAsync(monitor.Endpoint, 1, ct) is [var last, ..] ? last : null;
        var streak = report.DatasetDrift ? (previous?.Streak ?? 0) + 1 : 0;
        var referenceName = $"{reference.Dataset}@{reference.Version}";
        // A new reference (a new version served) starts the detectors again: their sums measured distance from the old one.
        var performance = settings.Performance?.IsEnabled ?? true
            ? await estimator.EstimateAsync(served.ModelName, served.ModelVersion, settings.Performance, rows, inputs, ct)
            : null;
        var multivariate = settings.Multivariate?.IsEnabled ?? true ? await reconstruction.CheckAsync(reference, present, vectors, inputs, settings.Multivariate, ct) : null;
        var sequential = settings.Sequential ?? SequentialSettings.Default;
        var statistics = Standardised(reference, window, label, answers);
        if (multivariate is { Statistic: { } error, Reference: { } mean, Upper: { } upper } && upper > mean)
        {
            // The band is mean ± 3 standard errors: one standard error is a third of its half-width.
            statistics.Add(new StandardisedStatistic(ReconstructionError, "mean PCA reconstruction error", error, (error - mean) / ((upper - mean) / 3)));
        }
        var performanceReference = performance is { Missing: null, Metrics: not null }
            ? await estimator.ReferenceAsync(served.ModelName, served.ModelVersion, settings.Performance, ct)
            : null;
        if (performance?.Metrics?.GetValueOrDefault("accuracy") is { } accuracy and > 0 && performanceReference is { Accuracy: > 0 and < 1 } cbpe)
        {
            // The estimated accuracy against the reference's realized one, in binomial standard errors.
            statistics.Add(new StandardisedStatistic(EstimatedAccuracy, "estimated accuracy", accuracy,
                (accuracy - cbpe.Accuracy) / Math.Sqrt(cbpe.Accuracy * (1 - cbpe.Accuracy) / performance.Rows)));
        }
        if (performanceReference is not null && RealizedStatistic(rows, performanceReference) is { } realized)
        {
            statistics.Add(realized);
        }
        var points = sequential.IsEnabled
            ? SequentialDetection.Next(previous?.Reference == referenceName ? previous.Sequential : null, statistics, sequential, start, end)
            : null;
        // An endpoint that looks its features up: what it served against what a training set would take.
        var skewed = await skew.CheckAsync(await LookupOfAsync(monitor.Endpoint, ct), rows, ct);
        var stored = await store.AddWindowAsync(new DriftWindow(0, monitor.Endpoint, start, end, rows.Count,
            referenceName, report, prediction, streak, streak >= (settings.AlarmAfter ?? MonitorSettings.DefaultAlarmAfter), points, performance, multivariate, skewed), ct);
        foreach (var observer in observers)
        {
            observer.Checked(stored);
        }
        return end;
    }

    private async Task<Features.Lookups.FeatureLookup?> LookupOfAsync(string endpoint, CancellationToken ct)
    {
        try
        {
            return (await endpoints.GetEndpointAsync(endpoint, ct)).Features;
        }
        catch (Errors.GyreException e) when (e.Code == Errors.ErrorCode.NotFound)
        {
            return null; // deleted meanwhile; its monitor goes with it
        }
    }

    /// <summary>The window's answers as a column like the reference's label: a classifier's labels, a regression's values.</summary>
    private static ColumnReference Answers(ColumnReference label, IReadOnlyList<LoggedPrediction> rows)
    {
        var answers = rows.Select(r => JsonDocument.Parse(r.Prediction.Outputs).RootElement)
            .Select(o => o.ValueKind == JsonValueKind.Object && o.TryGetProperty("label", out var l) ? l : o).ToList();
        return WindowStatistics.Column(WindowStatistics.PredictionColumn, label.Type, answers);
    }

    /// <summary>
    /// The statistics the sequential detectors follow: each numeric feature's mean, and the
    /// predictions' mean (a regression) or the share of the label's rarer class (two classes).
    /// </summary>
    private static List<StandardisedStatistic> Standardised(ReferenceStatistics reference, ReferenceStatistics window, ColumnReference? label, ColumnReference? answers)
    {
        var result = window.Columns.Where(c => c.Type is ColumnType.Integer or ColumnType.Float)
            .Select(c => StandardisedStatistic.OfMean(c.Name, reference.Columns.First(r => r.Name == c.Name), c)).OfType<StandardisedStatistic>().ToList();
        if (label is not null && answers is not null
            && (label.Type is ColumnType.Integer or ColumnType.Float && label.Counts is not { Count: 2 }
                ? StandardisedStatistic.OfMean(WindowStatistics.PredictionColumn, label, answers)
                : StandardisedStatistic.OfShare(WindowStatistics.PredictionColumn, label, answers)) is { } predicted)
        {
            result.Add(predicted);
        }
        return result;
    }

    /// <summary>
    /// The realized accuracy (a classifier) or MAE (a regression) of the window's predictions that had
    /// their labels when it closed, against the reference's, in standard errors of that many rows; null
    /// with fewer than <see cref="MinRealizedLabels"/> labels. Labels that come later do not change it.
    /// </summary>
    private static StandardisedStatistic? RealizedStatistic(IReadOnlyList<LoggedPrediction> rows, IPerformanceReference reference)
    {
        var labelled = rows.Where(r => r.Actual is not null).Select(r => new LabelledPrediction(r.Prediction.Variant, r.Prediction.Outputs, r.Actual!, r.Prediction.Time)).ToList();
        if (labelled.Count < MinRealizedLabels || RealizedMetrics.Of(labelled) is not { } realized)
        {
            return null;
        }
        if (realized.Metrics.TryGetValue("accuracy", out var accuracy) && reference.Accuracy is > 0 and < 1)
        {
            return new StandardisedStatistic(RealizedAccuracy, "realized accuracy", accuracy,
                (accuracy - reference.Accuracy) / Math.Sqrt(reference.Accuracy * (1 - reference.Accuracy) / realized.Labelled));
        }
        return realized.Metrics.TryGetValue("mae", out var mae) && reference is DleReference { AbsoluteErrorStddev: > 0 } dle
            ? new StandardisedStatistic(RealizedMae, "realized MAE", mae, (mae - dle.Mae) / (dle.AbsoluteErrorStddev / Math.Sqrt(realized.Labelled)))
            : null;
    }

    /// <summary>The served answers against the reference's label.</summary>
    private static ColumnDrift? PredictionDrift(ReferenceStatistics reference, ColumnReference label, ColumnReference current)
    {
        var referenceColumn = ColumnDistribution.From(label);
        var test = DriftTests.Default(reference.Rows, referenceColumn);
        if ((test is ChiSquareTest or JensenShannonTest && referenceColumn.Counts is null) || current.Count == 0)
        {
            return null;
        }
        var (statistic, p) = test.Compute(referenceColumn, ColumnDistribution.From(current));
        var drifted = test.HasPValue ? p < test.DefaultThreshold : statistic >= test.DefaultThreshold;
        return new ColumnDrift(WindowStatistics.PredictionColumn, label.Type.ToString().ToLowerInvariant(), test.Name, statistic, p, test.DefaultThreshold,
            drifted, label.Count, current.Count, false);
    }

    /// <summary>The reference of the version the endpoint serves (its first variant's), its label column and all its dataset's columns.</summary>
    internal async Task<(ReferenceStatistics Statistics, ColumnReference? Label, IReadOnlyList<ColumnSchema> Columns)> ReferenceOfAsync(EndpointMonitorState state, CancellationToken ct)
    {
        var served = (await endpoints.GetEndpointAsync(state.Endpoint, ct)).Variants[0];
        return await ReferenceAsync(state.Settings, served.ModelName, served.ModelVersion, ct);
    }

    /// <summary>The reference's statistics (of its features and label), its label column and all its dataset's columns: the settings' dataset, or the one the served version was trained on.</summary>
    private async Task<(ReferenceStatistics Statistics, ColumnReference? Label, IReadOnlyList<ColumnSchema> Columns)> ReferenceAsync(MonitorSettings settings, string model, long version, CancellationToken ct)
    {
        string name;
        long number;
        string? trainedLabel = null;
        if (settings.Reference is { Dataset: { } dataset } side)
        {
            (name, number) = (dataset, side.Version ?? 0);
        }
        else
        {
            var served = await registry.GetVersionAsync(model, version, ct);
            var run = served.RunId is { } id ? await tracking.GetRunAsync(id, ct) : null;
            var train = run?.Inputs.FirstOrDefault(i => i.Context == "train")
                ?? throw GyreException.Invalid($"reference: {model}/{version} was not trained by Gyre, so its training data is unknown; name the reference dataset");
            (name, number) = train.DatasetVersion();
            trainedLabel = run!.Params.FirstOrDefault(p => p.Key == "label")?.Value;
        }
        var statistics = await references.GetOrComputeAsync(name, number, ct);
        var columns = (await datasets.GetVersionAsync(name, statistics.Version, ct)).Columns;
        var labelName = trainedLabel ?? columns.FirstOrDefault(c => c.Role == ColumnRole.Label)?.Name;
        return (statistics, statistics.Columns.FirstOrDefault(c => c.Name == labelName), columns);
    }

    private static DriftRequest Request(MonitorSettings settings, ReferenceStatistics reference, IReadOnlyList<string>? columns) =>
        new(new DatasetSide(reference.Dataset, reference.Version), null, columns, settings.Tests, settings.Thresholds, settings.Share);

    /// <summary>An endpoint's predictions in [since, until), shadow copies left out, at most <paramref name="limit"/>.</summary>
    internal async Task<List<LoggedPrediction>> ReadAsync(string endpoint, long since, long until, int limit, CancellationToken ct)
    {
        var rows = new List<LoggedPrediction>();
        string? token = null;
        do
        {
            var (items, next) = await log.QueryAsync(endpoint, since, until, PageSize, token, ct);
            rows.AddRange(items.Where(i => i.Prediction.Routing != Routings.Shadow));
            token = next;
        }
        while (token is not null && rows.Count < limit);
        return rows.Count > limit ? rows[..limit] : rows;
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
