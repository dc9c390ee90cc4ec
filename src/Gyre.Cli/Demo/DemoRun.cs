using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gyre.Client;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Monitors;
using Gyre.Core.Pipelines.Runs;

namespace Gyre.Cli.Demo;

/// <summary>
/// Plays the closed loop against a running server: v1 is trained and served, traffic streams with
/// its ground truth arriving some batches late, the world drifts, the monitor sees it (and estimates
/// the accuracy falling before the labels show it), the policy starts
/// the retraining on what happened since, the gate and a canary promote v2, and accuracy recovers.
/// Prints a timeline as it goes and a summary at the end; returns the figures.
/// </summary>
internal sealed class DemoRun(GyreClient client, DemoSettings settings, TextWriter output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CreditScenario _world = new(settings.Seed);
    private readonly List<(string Phase, bool Right)> _outcomes = [];
    private readonly HashSet<string> _seen = [];
    private readonly int _alarmAfter = MonitorSettings.DefaultAlarmAfter;
    private bool _drifting;
    private double? _firstEstimate;
    private bool _toldFall;

    public async Task<DemoSummary> RunAsync(CancellationToken ct)
    {
        if (await ExistsAsync(ct))
        {
            throw GyreException.Conflict($"this home already holds the demo's endpoint '{DemoPipelines.Endpoint}'; run the demo with --home and a new folder");
        }
        Say($"training data: {settings.TrainingRows:N0} loan applications before the drift");
        await using (var csv = new MemoryStream(Encoding.UTF8.GetBytes(_world.Csv(settings.TrainingRows, drifted: false))))
        {
            await client.Datasets.AddAsync("credit", csv, DatasetFormat.Csv, ct: ct);
        }
        await client.Pipelines.SaveAsync(DemoPipelines.TrainYaml, ct: ct);
        var first = await WaitRunAsync((await client.Pipelines.StartRunAsync(DemoPipelines.Train, ct: ct)).Id, ct);
        Say($"pipeline {DemoPipelines.Train} run {first.Id} {first.State}: {first.Step("train").Summary}; {first.Step("ship").Summary}");
        if (first.State != RunStates.Succeeded)
        {
            throw GyreException.Conflict($"the first training failed: {first.Error}");
        }
        await client.Endpoints.SetMonitorAsync(DemoPipelines.Endpoint, new MonitorSettings(WindowPredictions: settings.WindowPredictions), ct);
        await client.Pipelines.SaveAsync(DemoPipelines.RetrainYaml(settings.BakeSeconds), ct: ct);
        await client.Policies.ApplyAsync(DemoPipelines.PolicyYaml, ct);
        Say($"monitoring '{DemoPipelines.Endpoint}' in windows of {settings.WindowPredictions} predictions; policy {DemoPipelines.Policy}: on data set drift, run {DemoPipelines.Retrain}");

        var deadline = _clock.Elapsed + settings.Deadline;
        var phase = "before drift";
        var batches = 0;
        var afterPromotion = 0;
        var driftBatch = settings.BatchesBeforeDrift;
        DateTimeOffset? onset = null;
        DateTimeOffset? promotedAt = null;
        var pending = new Queue<(string[] Ids, string[] Truth)>();
        while (afterPromotion < settings.BatchesAfterPromotion && _clock.Elapsed < deadline && (settings.Drifts || batches < driftBatch))
        {
            if (batches == driftBatch)
            {
                phase = "after drift";
                onset = DateTimeOffset.UtcNow;
                Say("the world drifts: incomes fall, the east region grows, and default now follows region and age");
            }
            var draws = Enumerable.Range(0, settings.BatchSize).Select(_ => _world.Draw(phase != "before drift")).ToList();
            var answer = await client.Endpoints.PredictAsync(DemoPipelines.Endpoint, draws.Select(d => (IReadOnlyDictionary<string, object?>)d.Row), ct);
            var labels = answer.Predictions.Select(p => p.GetProperty("label").GetString()).ToList();
            _outcomes.AddRange(labels.Select((l, i) => (phase, l == draws[i].Truth)));
            // The truth about a batch is reported LabelDelay batches later: feedback arrives late.
            pending.Enqueue(([.. answer.PredictionIds], [.. draws.Select(d => d.Truth)]));
            while (pending.Count > settings.LabelDelay)
            {
                var (ids, truth) = pending.Dequeue();
                await client.Endpoints.FeedbackAsync(DemoPipelines.Endpoint, ids.Select((id, i) => (id, (object)truth[i])), ct);
            }
            batches++;
            if (phase == "after promotion")
            {
                afterPromotion++;
            }
            var promoted = await ReportAsync(ct);
            if (promoted && phase == "after drift")
            {
                phase = "after promotion";
                promotedAt = DateTimeOffset.UtcNow;
                Say("v2 serves all traffic; measuring its accuracy on the drifted world");
            }
            await Task.Delay(settings.Pause, ct);
        }
        var (windowsBefore, falseAlarms, windowsToDetect) = await WindowsAsync(onset, ct);
        var (estimated, realized) = await EstimatedAfterDriftAsync(onset, promotedAt, ct);
        return Summary(windowsToDetect, phase == "after promotion") with
        {
            WindowsBeforeDrift = windowsBefore, FalseAlarms = falseAlarms, EstimatedAfterDrift = estimated, RealizedAfterDrift = realized,
        };
    }

    /// <summary>Prints what changed since the last look: drift verdicts, policy firings, retraining steps, canary steps. Returns whether a canary has been promoted.</summary>
    private async Task<bool> ReportAsync(CancellationToken ct)
    {
        foreach (var window in (await client.Endpoints.ListDriftWindowsAsync(DemoPipelines.Endpoint, 50, ct)).Items.Reverse().Where(w => _seen.Add($"window {w.Id}")))
        {
            // CBPE's estimate is there when the window closes, before the late labels: its fall is the first news of the drift's cost.
            if (window.Performance?.Metrics?.GetValueOrDefault("accuracy") is { } estimate and > 0)
            {
                _firstEstimate ??= estimate;
                if (!_toldFall && estimate < _firstEstimate - 0.05)
                {
                    _toldFall = true;
                    Say(string.Create(CultureInfo.InvariantCulture,
                        $"drift window {window.Id}: estimated accuracy {estimate:0.00} (CBPE, from the model's confidence, before its labels arrive), down from {_firstEstimate:0.00}"));
                }
            }
            // Only a change is news (every window is in `gyre monitor show credit`): a verdict that
            // flips, and the window that raises the alarm the policy acts on.
            if (window.Data.DatasetDrift != _drifting || (window.Alarm && window.Streak == _alarmAfter))
            {
                _drifting = window.Data.DatasetDrift;
                var drifted = string.Join(", ", window.Data.Columns.Where(c => c.Drifted).Select(c => c.Column));
                var verdict = window.Alarm ? $" — DRIFT ALARM ({window.Streak} windows in a row)"
                    : _drifting ? $" — data set drift ({window.Streak} of {_alarmAfter} windows in a row for an alarm)" : " — no data set drift";
                Say($"drift window {window.Id} ({window.Predictions} predictions): {window.Data.DriftedColumns} of {window.Data.Columns.Count} features drifted"
                    + (drifted.Length > 0 ? $" ({drifted})" : "") + verdict);
            }
        }
        foreach (var firing in (await client.Policies.FiringsAsync(DemoPipelines.Policy, ct: ct)).Items.Reverse())
        {
            if (_seen.Add($"firing {firing.Id}"))
            {
                Say($"policy {firing.Policy} fired on {string.Join("; ", firing.Evidence)}: {string.Join("; ", firing.Actions.Select(a => $"{a.Kind} {a.Target}: {a.Detail}"))}");
            }
        }
        foreach (var run in (await client.Pipelines.ListRunsAsync(DemoPipelines.Retrain, 5, ct)).Items.Reverse())
        {
            foreach (var step in run.Steps.Where(s => s.State is StepStates.Succeeded or StepStates.Failed or StepStates.Skipped))
            {
                if (_seen.Add($"run {run.Id} {step.Id} {step.State}"))
                {
                    Say($"  {DemoPipelines.Retrain} run {run.Id} ({run.Trigger.Type}) {step.Id}: {step.State} {step.Error ?? step.StopReason ?? step.Summary}");
                }
            }
        }
        var promoted = false;
        foreach (var rollout in (await client.Endpoints.ListRolloutsAsync(DemoPipelines.Endpoint, ct)).Items.Reverse())
        {
            foreach (var transition in rollout.Transitions)
            {
                if (_seen.Add($"rollout {rollout.Id} {transition.Time} {transition.State} {transition.CandidateWeight}"))
                {
                    Say($"  canary {rollout.Id} {rollout.Candidate.ModelName}/{rollout.Candidate.ModelVersion}: {transition.State}, {transition.CandidateWeight}% — {transition.Reason}");
                }
            }
            promoted |= rollout.State == Core.Serving.Rollouts.RolloutStates.Succeeded;
        }
        return promoted;
    }

    /// <summary>
    /// The windows wholly before the drift and how many of them raised a (false) drift alarm; and
    /// the number of windows from the one holding the drift's first prediction to the first that
    /// raised the alarm (1: that same window).
    /// </summary>
    private async Task<(int Before, int FalseAlarms, int? ToDetect)> WindowsAsync(DateTimeOffset? onset, CancellationToken ct)
    {
        var windows = (await client.Endpoints.ListDriftWindowsAsync(DemoPipelines.Endpoint, 10_000, ct)).Items.Reverse().ToList();
        var at = onset?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var before = windows.Where(w => w.End <= at).ToList();
        var first = windows.FindIndex(w => w.End > at);
        var found = windows.FindIndex(w => w.End > at && w.Alarm);
        return (before.Count, before.Count(w => w.Alarm), onset is null || first < 0 || found < 0 ? null : found - first + 1);
    }

    /// <summary>
    /// v1's mean accuracy estimated without labels over the windows wholly after the drift's onset and
    /// before the promotion, and the mean realized once their labels came (NaN when none).
    /// </summary>
    private async Task<(double Estimated, double Realized)> EstimatedAfterDriftAsync(DateTimeOffset? onset, DateTimeOffset? promoted, CancellationToken ct)
    {
        var (from, to) = (onset?.ToUnixTimeMilliseconds() ?? long.MaxValue, promoted?.ToUnixTimeMilliseconds() ?? long.MaxValue);
        var after = (await client.Endpoints.ListEstimatedPerformanceAsync(DemoPipelines.Endpoint, 1000, ct)).Items
            .Where(w => w.Start >= from && w.End <= to && w.Estimated?.Metrics?.ContainsKey("accuracy") == true && w.Realized?.Metrics.ContainsKey("accuracy") == true).ToList();
        return after.Count == 0 ? (double.NaN, double.NaN)
            : (after.Average(w => w.Estimated!.Metrics!["accuracy"]), after.Average(w => w.Realized!.Metrics["accuracy"]));
    }

    private DemoSummary Summary(int? windowsToDetect, bool promoted)
    {
        double Accuracy(string phase) => _outcomes.Where(o => o.Phase == phase) is var rows && rows.Any() ? rows.Average(r => r.Right ? 1.0 : 0.0) : double.NaN;
        int Count(string phase) => _outcomes.Count(o => o.Phase == phase);
        return new DemoSummary(
            Accuracy("before drift"), Count("before drift"),
            Accuracy("after drift"), Count("after drift"),
            Accuracy("after promotion"), Count("after promotion"),
            windowsToDetect, promoted, _clock.Elapsed);
    }

    private async Task<bool> ExistsAsync(CancellationToken ct)
    {
        try
        {
            await client.Endpoints.GetAsync(DemoPipelines.Endpoint, ct);
            return true;
        }
        catch (GyreApiException e) when (e.Code == ErrorCode.NotFound)
        {
            return false;
        }
    }

    private async Task<PipelineRun> WaitRunAsync(long id, CancellationToken ct)
    {
        var run = await client.Pipelines.GetRunAsync(id, ct);
        while (!run.Finished)
        {
            await Task.Delay(200, ct);
            run = await client.Pipelines.GetRunAsync(id, ct);
        }
        return run;
    }

    private void Say(string message) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{_clock.Elapsed:mm\\:ss\\.f}] {message}"));
}

/// <summary>How the demo plays: <see cref="Fast"/> for tests (under a minute), <see cref="Full"/> for people.</summary>
/// <remarks>
/// Without <c>Drifts</c> the world never changes: the stream stops after <c>BatchesBeforeDrift</c> batches (a control run for false alarms).
/// A batch's ground truth is reported <c>LabelDelay</c> batches after it.
/// </remarks>
internal sealed record DemoSettings(int TrainingRows, int BatchSize, int BatchesBeforeDrift, int BatchesAfterPromotion, int WindowPredictions,
    double BakeSeconds, TimeSpan Pause, TimeSpan Deadline, int Seed = 7, bool Drifts = true, int LabelDelay = 1)
{
    public static DemoSettings Fast => new(4000, 100, 20, 10, 1000, 2, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(55), LabelDelay: 3);

    /// <summary>20 windows of traffic before the drift (to show that the monitor keeps quiet), then the drift, at a pace a person can follow.</summary>
    public static DemoSettings Full => new(5000, 100, 200, 30, 1000, 10, TimeSpan.FromMilliseconds(200), TimeSpan.FromMinutes(10), LabelDelay: 3);
}

/// <summary>
/// What the demo measured: online accuracy in each phase, how many windows after the onset the drift was detected, whether v2 was promoted;
/// and the accuracy estimated without labels after the onset beside the realized one.
/// </summary>
internal sealed record DemoSummary(double Before, int BeforeCount, double AfterDrift, int AfterDriftCount, double AfterPromotion, int AfterPromotionCount,
    int? WindowsToDetect, bool Promoted, TimeSpan Elapsed, int WindowsBeforeDrift = 0, int FalseAlarms = 0,
    double EstimatedAfterDrift = double.NaN, double RealizedAfterDrift = double.NaN);
