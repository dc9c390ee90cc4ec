using Gyre.Core.Monitoring.Endpoints;

namespace Gyre.Server.Dashboard.Components;

/// <summary>How the monitoring pages describe a monitor's settings.</summary>
internal static class MonitorText
{
    public static string Window(MonitorSettings settings) =>
        settings.WindowPredictions is int count ? $"every {Fmt.Count(count)} predictions"
        : settings.WindowSeconds is double seconds ? $"every {Fmt.Duration((long)(seconds * 1000))}"
        : "default";
}
