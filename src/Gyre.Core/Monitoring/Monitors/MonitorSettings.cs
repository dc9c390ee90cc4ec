using Gyre.Core.Monitoring.Bias;
using Gyre.Core.Monitoring.Drift;
using Gyre.Core.Monitoring.Multivariate;
using Gyre.Core.Monitoring.Performance;
using Gyre.Core.Monitoring.Sequential;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>
/// <c>PUT /api/v1/endpoints/{name}/monitor</c>: watch an endpoint's inputs and predictions for drift
/// in tumbling windows of <c>WindowPredictions</c> predictions (default 1,000) or of
/// <c>WindowSeconds</c>, against <c>Reference</c> (default: the dataset the served version was
/// trained on), with the drift tests' defaults unless <c>Tests</c>, <c>Thresholds</c> and <c>Share</c> say otherwise.
/// A drift alarm — what policies act on — needs <c>AlarmAfter</c> windows in a row that drifted as a
/// data set (default 2): one window's verdict is a test at a 5% level, and a monitor checks many.
/// <c>Bias</c> names the sensitive input and favourable label for the windows' post-training bias.
/// </summary>
public sealed record MonitorSettings(
    DatasetSide? Reference = null,
    int? WindowPredictions = null,
    double? WindowSeconds = null,
    IReadOnlyDictionary<string, string>? Tests = null,
    IReadOnlyDictionary<string, double>? Thresholds = null,
    double? Share = null,
    int? AlarmAfter = null,
    SequentialSettings? Sequential = null,
    PerformanceSettings? Performance = null,
    MultivariateSettings? Multivariate = null,
    BiasSettings? Bias = null)
{
    public const int DefaultWindowPredictions = 1000;
    public const int MinWindowPredictions = 10;
    public const int DefaultAlarmAfter = 2;
}

/// <summary>An endpoint's monitor as stored: its settings, and where its next window starts.</summary>
public sealed record EndpointMonitorState(string Endpoint, MonitorSettings Settings, long NextWindowStart, long CreationTime);
