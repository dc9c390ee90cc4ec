using System.Text;
using Microsoft.AspNetCore.Components;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>One line of a chart: its name and its points in order of x.</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>
/// A line chart as inline SVG, drawn on the server. The x axis is a step number or a time (ms since
/// the epoch; its labels carry <c>data-time</c> so the script shows them in the viewer's zone).
/// Every point has a tooltip; the chart has a text alternative naming what it shows.
/// </summary>
internal static class LineChart
{
    private const int Width = 640;
    private const int Height = 240;
    private const int Left = 56;
    private const int Right = 16;
    private const int Top = 12;
    private const int Bottom = 36;

    public static MarkupString Render(string title, IReadOnlyList<Series> series, bool timeAxis, string? yLabel = null, double? yMin = null, double? yMax = null,
        double? threshold = null)
    {
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        if (points.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{Svg.Text(title)}: no points yet.</p>");
        }
        var (x0, x1) = Range(points.Select(p => p.X));
        if (timeAxis && x1 - x0 < 120_000)
        {
            // A moment's worth of points sits in the middle of two minutes, between labelled ticks.
            var middle = (x0 + x1) / 2;
            (x0, x1) = (middle - 60_000, middle + 60_000);
        }
        var ys = points.Select(p => p.Y).Concat(threshold is double t ? [t] : []).ToList();
        var (y0, y1) = Range(ys);
        // Values that cannot be negative (rates, shares, accuracy) keep their axis at zero or above.
        y0 = yMin ?? (ys.Min() >= 0 && (y0 < 0 || y0 < (y1 - y0)) ? 0 : y0);
        y1 = yMax ?? y1;
        (y0, y1) = Svg.Widen(y0, y1);
        double X(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
        double Y(double y) => Top + ((1 - ((y - y0) / (y1 - y0))) * (Height - Top - Bottom));

        var svg = new StringBuilder();
        svg.Append($"<figure class=\"chart\"><figcaption>{Svg.Text(title)}</figcaption>");
        svg.Append($"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Svg.Text(title)}: {Svg.Text(string.Join(", ", series.Select(s => s.Name)))}\">");
        foreach (var tick in Svg.Ticks(y0, y1))
        {
            svg.Append($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Svg.N(Y(tick))}\" y2=\"{Svg.N(Y(tick))}\"/>");
            svg.Append($"<text class=\"tick\" x=\"{Left - 6}\" y=\"{Svg.N(Y(tick) + 4)}\" text-anchor=\"end\">{Fmt.Num(tick)}</text>");
        }
        foreach (var tick in timeAxis ? TimeTicks(x0, x1) : Svg.Ticks(x0, x1, 6).Where(t => !timeAxis && t == Math.Floor(t)))
        {
            var label = timeAxis ? $"data-time=\"{Svg.N(tick)}\">{Fmt.Utc((long)tick)[11..16]}" : $">{Fmt.Num(tick)}";
            svg.Append($"<text class=\"tick\" x=\"{Svg.N(X(tick))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" {label}</text>");
        }
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\"/>");
        if (yLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"12\" y=\"{Top + 4}\" transform=\"rotate(-90 12 {Top + 4})\" text-anchor=\"end\">{Svg.Text(yLabel)}</text>");
        }
        if (threshold is double limit)
        {
            svg.Append($"<line class=\"threshold\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Svg.N(Y(limit))}\" y2=\"{Svg.N(Y(limit))}\"><title>threshold {Fmt.Num(limit)}</title></line>");
        }
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Svg.Palette[i % Svg.Palette.Length];
            var line = series[i].Points.Where(p => double.IsFinite(p.Y)).ToList();
            svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', line.Select(p => $"{Svg.N(X(p.X))},{Svg.N(Y(p.Y))}"))}\"/>");
            if (line.Count <= 240)
            {
                foreach (var (x, y) in line)
                {
                    var at = timeAxis ? Fmt.Utc((long)x) : "step " + Fmt.Num(x);
                    svg.Append($"<circle cx=\"{Svg.N(X(x))}\" cy=\"{Svg.N(Y(y))}\" r=\"3\" fill=\"{colour}\"><title>{Svg.Text(series[i].Name)} at {at}: {Fmt.Num(y)}</title></circle>");
                }
            }
        }
        svg.Append("</svg>");
        if (series.Count > 1 || threshold is not null)
        {
            svg.Append("<ul class=\"legend\">");
            for (var i = 0; i < series.Count; i++)
            {
                svg.Append($"<li><span class=\"swatch\" style=\"background:{Svg.Palette[i % Svg.Palette.Length]}\"></span>{Svg.Text(series[i].Name)}</li>");
            }
            if (threshold is double limit2)
            {
                svg.Append($"<li><span class=\"swatch dashed\"></span>threshold {Fmt.Num(limit2)}</li>");
            }
            svg.Append("</ul>");
        }
        svg.Append("</figure>");
        return new MarkupString(svg.ToString());
    }

    private static (double, double) Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        return Svg.Widen(list.Min(), list.Max());
    }

    /// <summary>Ticks on round minutes (1, 5, 10, 15, 30, 60 …) so that about six fit.</summary>
    private static IEnumerable<double> TimeTicks(double x0, double x1)
    {
        var minutes = new[] { 1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440 }.Select(m => m * 60_000.0).FirstOrDefault(s => (x1 - x0) / s <= 6, 1440 * 60_000.0 * 7);
        for (var t = Math.Ceiling(x0 / minutes) * minutes; t <= x1; t += minutes)
        {
            yield return t;
        }
    }
}
