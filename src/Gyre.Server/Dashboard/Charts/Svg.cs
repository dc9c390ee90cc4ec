using System.Globalization;
using System.Net;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>Small helpers for writing SVG by hand: invariant numbers and escaped text.</summary>
internal static class Svg
{
    /// <summary>Colours for series, distinct for common colour blindness (Okabe and Ito's palette), dark enough on white.</summary>
    public static readonly string[] Palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#6A5ACD", "#8B6C00", "#56707F", "#B8001F"];

    public static string N(double value) => Math.Round(value, 2).ToString(CultureInfo.InvariantCulture);

    public static string Text(string value) => WebUtility.HtmlEncode(value);

    /// <summary>A range that is never empty, also where ±1 vanishes in a double's precision.</summary>
    public static (double, double) Widen(double min, double max)
    {
        if (max > min)
        {
            return (min, max);
        }
        var half = Math.Max(1, Math.Abs(min) * 1e-9);
        return (min - half, max + half);
    }

    public static string Short(string value, int max) => value.Length <= max ? value : value[..(max - 1)] + "…";

    /// <summary>Tick values that are round numbers (1, 2 or 5 times a power of ten) covering [min, max].</summary>
    public static IReadOnlyList<double> Ticks(double min, double max, int target = 5)
    {
        if (!(max > min))
        {
            return [min];
        }
        var raw = (max - min) / target;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        // Each tick from its index, at most 50: at magnitudes where adding the step no longer changes
        // a double, a running sum would never reach the end.
        var first = Math.Ceiling(min / step) * step;
        var ticks = new List<double>();
        for (var i = 0; i <= 50; i++)
        {
            var t = first + (i * step);
            if (t > max + (step * 1e-9) || (i > 0 && t <= ticks[^1]))
            {
                break;
            }
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }
}
