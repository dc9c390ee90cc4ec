using System.Text;
using Microsoft.AspNetCore.Components;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>One line of a chart: its name and its points in order of x. A point whose y is not finite breaks the line (a period without data).</summary>
internal sealed record Series(string Name, IReadOnlyList<(double X, double Y)> Points);

/// <summary>How a chart's x axis reads: time (ms since the epoch), whole steps, or plain numbers.</summary>
internal enum XAxis
{
    Time,
    Steps,
    Numbers,
}

/// <summary>
/// A line (or scatter) chart as inline SVG, drawn on the server. The x axis is a time (ms since the
/// epoch; its labels carry <c>data-time</c> so the script shows them in the viewer's zone), a step
/// or a number; charts of one page pass the same x range so that their times line up. A line breaks
/// where a point has no value, rather than drawing across a period without data. Every point has a
/// tooltip; the chart has a text alternative naming what it shows.
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
        double? threshold = null, (double From, double To)? xRange = null, XAxis? axis = null, string? xLabel = null, bool connect = true,
        IReadOnlyList<Series>? guides = null, Func<double, string>? tooltip = null)
    {
        var kind = axis ?? (timeAxis ? XAxis.Time : XAxis.Steps);
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.Y)).ToList();
        if (points.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{Svg.Text(title)}: no points yet.</p>");
        }
        var (x0, x1) = xRange ?? Range(points.Select(p => p.X));
        if (kind == XAxis.Time && xRange is null && x1 - x0 < 120_000)
        {
            // A moment's worth of points sits in the middle of two minutes, between labelled ticks.
            var middle = (x0 + x1) / 2;
            (x0, x1) = (middle - 60_000, middle + 60_000);
        }
        (x0, x1) = Svg.Widen(x0, x1);
        var ys = points.Select(p => p.Y).Concat(threshold is double t ? [t] : []).ToList();
        var (y0, y1) = Range(ys);
        // Values that cannot be negative (rates, shares, accuracy) keep their axis at zero or above.
        y0 = yMin ?? (ys.Min() >= 0 && (y0 < 0 || y0 < (y1 - y0)) ? 0 : y0);
        y1 = yMax ?? y1;
        (y0, y1) = Svg.Widen(y0, y1);
        double X(double x) => Left + ((x - x0) / (x1 - x0) * (Width - Left - Right));
        double Y(double y) => Top + ((1 - ((y - y0) / (y1 - y0))) * (Height - Top - Bottom));
        string At(double x) => kind switch { XAxis.Time => Fmt.Utc((long)x), XAxis.Steps => "step " + Fmt.Num(x), _ => (xLabel ?? "x") + " " + Fmt.Num(x) };

        var svg = new StringBuilder();
        svg.Append($"<figure class=\"chart\"><figcaption>{Svg.Text(title)}</figcaption>");
        svg.Append($"<svg viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Svg.Text(title)}: {Svg.Text(string.Join(", ", series.Select(s => s.Name)))}\">");
        foreach (var tick in Svg.Ticks(y0, y1))
        {
            svg.Append($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Svg.N(Y(tick))}\" y2=\"{Svg.N(Y(tick))}\"/>");
            svg.Append($"<text class=\"tick\" x=\"{Left - 6}\" y=\"{Svg.N(Y(tick) + 4)}\" text-anchor=\"end\">{Fmt.Num(tick)}</text>");
        }
        var xTicks = kind switch
        {
            XAxis.Time => TimeTicks(x0, x1),
            XAxis.Steps => Svg.Ticks(x0, x1, 6).Where(t => t == Math.Floor(t)),
            _ => Svg.Ticks(x0, x1, 6),
        };
        foreach (var tick in xTicks)
        {
            var label = kind == XAxis.Time ? $"data-time=\"{Svg.N(tick)}\">{Fmt.Utc((long)tick)[11..16]}" : $">{Fmt.Num(tick)}";
            svg.Append($"<text class=\"tick\" x=\"{Svg.N(X(tick))}\" y=\"{Height - Bottom + 16}\" text-anchor=\"middle\" {label}</text>");
        }
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\"/>");
        if (yLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"12\" y=\"{Top + 4}\" transform=\"rotate(-90 12 {Top + 4})\" text-anchor=\"end\">{Svg.Text(yLabel)}</text>");
        }
        if (xLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"{Width - Right}\" y=\"{Height - 4}\" text-anchor=\"end\">{Svg.Text(xLabel)}</text>");
        }
        if (threshold is double limit)
        {
            svg.Append($"<line class=\"threshold\" x1=\"{Left}\" x2=\"{Width - Right}\" y1=\"{Svg.N(Y(limit))}\" y2=\"{Svg.N(Y(limit))}\"><title>threshold {Fmt.Num(limit)}</title></line>");
        }
        foreach (var guide in guides ?? [])
        {
            // A reference line (chance, perfect calibration): drawn, not pointed at.
            svg.Append($"<polyline class=\"guide\" fill=\"none\" points=\"{string.Join(' ', guide.Points.Select(p => $"{Svg.N(X(p.X))},{Svg.N(Y(p.Y))}"))}\"><title>{Svg.Text(guide.Name)}</title></polyline>");
        }
        for (var i = 0; i < series.Count; i++)
        {
            var colour = Svg.Palette[i % Svg.Palette.Length];
            if (connect)
            {
                foreach (var segment in Segments(series[i].Points))
                {
                    svg.Append($"<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{string.Join(' ', segment.Select(p => $"{Svg.N(X(p.X))},{Svg.N(Y(p.Y))}"))}\"/>");
                }
            }
            var drawn = series[i].Points.Where(p => double.IsFinite(p.Y)).ToList();
            if (drawn.Count <= 600)
            {
                foreach (var (x, y) in drawn)
                {
                    var value = tooltip?.Invoke(y) ?? Fmt.Num(y);
                    svg.Append($"<circle cx=\"{Svg.N(X(x))}\" cy=\"{Svg.N(Y(y))}\" r=\"{(connect ? 3 : 2.5)}\" fill=\"{colour}\"{(connect ? "" : " fill-opacity=\"0.6\"")}><title>{Svg.Text(series[i].Name)} at {At(x)}: {Svg.Text(value)}</title></circle>");
                }
            }
        }
        svg.Append("</svg>");
        if (series.Count > 1 || threshold is not null || guides is { Count: > 0 })
        {
            svg.Append("<ul class=\"legend\">");
            for (var i = 0; i < series.Count; i++)
            {
                svg.Append($"<li><span class=\"swatch\" style=\"background:{Svg.Palette[i % Svg.Palette.Length]}\"></span>{Svg.Text(series[i].Name)}</li>");
            }
            foreach (var guide in guides ?? [])
            {
                svg.Append($"<li><span class=\"swatch guide\"></span>{Svg.Text(guide.Name)}</li>");
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

    /// <summary>The runs of consecutive points with a value: a point without one ends a run.</summary>
    private static IEnumerable<List<(double X, double Y)>> Segments(IReadOnlyList<(double X, double Y)> points)
    {
        var run = new List<(double X, double Y)>();
        foreach (var point in points)
        {
            if (double.IsFinite(point.Y))
            {
                run.Add(point);
            }
            else if (run.Count > 0)
            {
                yield return run;
                run = [];
            }
        }
        if (run.Count > 0)
        {
            yield return run;
        }
    }

    private static (double, double) Range(IEnumerable<double> values)
    {
        var list = values.ToList();
        return Svg.Widen(list.Min(), list.Max());
    }

    private static readonly int[] TickMinutes = [1, 2, 5, 10, 15, 30, 60, 120, 360, 720, 1440];

    /// <summary>Ticks on round minutes (1, 5, 10, 15, 30, 60 …) so that about six fit.</summary>
    private static IEnumerable<double> TimeTicks(double x0, double x1)
    {
        var minutes = TickMinutes.Select(m => m * 60_000.0).FirstOrDefault(s => (x1 - x0) / s <= 6, 1440 * 60_000.0 * 7);
        for (var t = Math.Ceiling(x0 / minutes) * minutes; t <= x1; t += minutes)
        {
            yield return t;
        }
    }
}
