using System.Globalization;

namespace Gyre.Server.Tests.Serving;

/// <summary>Sample values read from the Prometheus text format that <c>/metrics</c> serves.</summary>
internal static class PrometheusText
{
    /// <summary>
    /// The sum of every sample whose line starts with <paramref name="series"/>: a name followed by a
    /// space for one unlabelled series, or a name and the start of its labels for several; 0 when none does.
    /// </summary>
    public static double Sum(string text, string series) => text.Split('\n').Where(l => l.StartsWith(series, StringComparison.Ordinal))
        .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));
}
