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
        var ticks = new List<double>();
        for (var t = Math.Ceiling(min / step) * step; t <= max + (step * 1e-9); t += step)
        {
            ticks.Add(Math.Abs(t) < step * 1e-9 ? 0 : t);
        }
        return ticks;
    }
}
