using System.Globalization;

namespace Gyre.Server.Dashboard;

/// <summary>How the dashboard writes numbers, shares, durations and times: sensible precision, invariant culture.</summary>
internal static class Fmt
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Four significant figures below a thousand, whole numbers with separators above; a dash for none.</summary>
    public static string Num(double? value) => value switch
    {
        null => "—",
        double v when double.IsNaN(v) => "—",
        double v when double.IsInfinity(v) => v > 0 ? "∞" : "−∞",
        0 => "0",
        double v when Math.Abs(v) >= 1000 => v.ToString("#,0", Invariant),
        double v when Math.Abs(v) >= 0.001 => Math.Round(v, 3 - (int)Math.Floor(Math.Log10(Math.Abs(v))), MidpointRounding.AwayFromZero).ToString("0.######", Invariant),
        double v => v.ToString("0.###e+0", Invariant),
    };

    public static string Count(long value) => value.ToString("#,0", Invariant);

    /// <summary>A share (0 to 1) as a percentage with one decimal.</summary>
    public static string Pct(double? share) => share is double s && !double.IsNaN(s) ? (s * 100).ToString("0.#", Invariant) + "%" : "—";

    public static string Duration(long? ms) => ms switch
    {
        null => "—",
        < 1000 => $"{ms} ms",
        < 60_000 => (ms.Value / 1000.0).ToString("0.#", Invariant) + " s",
        < 3_600_000 => $"{ms / 60_000} min {ms % 60_000 / 1000} s",
        _ => $"{ms / 3_600_000} h {ms % 3_600_000 / 60_000} min",
    };

    /// <summary>An age: as <see cref="Duration"/> up to two days, then in whole days (a feature group's freshness can be months).</summary>
    public static string Age(long ms) => ms < 2 * 86_400_000L ? Duration(ms) : $"{ms / 86_400_000} days";

    /// <summary>UTC in ISO 8601, for <c>datetime</c> attributes; the script shows it in the viewer's zone.</summary>
    public static string Iso(long ms) => Date(ms).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", Invariant);

    /// <summary>What a page shows before the script runs (and without scripts): UTC, said so.</summary>
    public static string Utc(long ms) => Date(ms).ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>The time as a date, clamped to the years a date can hold (a run may log any number).</summary>
    private static DateTime Date(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(ms, MinMs, MaxMs)).UtcDateTime;

    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();

    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static string Inv(long value) => value.ToString(Invariant);

    /// <summary>A path segment for a link to a named object.</summary>
    public static string Seg(string value) => Uri.EscapeDataString(value);
}
