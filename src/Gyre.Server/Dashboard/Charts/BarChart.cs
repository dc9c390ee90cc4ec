using System.Text;
using Microsoft.AspNetCore.Components;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>One bar: its label (a bin's range or a category) and its height.</summary>
internal sealed record Bar(string Label, double Value);

/// <summary>
/// Bar charts as inline SVG, with a tooltip per bar: vertical ones (a histogram, whose ends are
/// labelled, or category counts, each bar labelled) with a count axis, and horizontal ones (a
/// ranking, such as permutation importance) with each bar's label and value beside it.
/// </summary>
internal static class BarChart
{
    private const int Width = 360;
    private const int Height = 160;
    private const int Left = 40;
    private const int Top = 8;

    /// <param name="title">What the chart shows, for its text alternative.</param>
    /// <param name="bars">The bars, in order.</param>
    /// <param name="firstLabel">For a histogram: the lower end of the first bin, written under it.</param>
    /// <param name="lastLabel">For a histogram: the upper end of the last bin.</param>
    /// <param name="categories">Label each bar under it (categories), rather than only the ends.</param>
    /// <param name="valueLabel">What the bars' heights count, beside the value axis.</param>
    public static MarkupString Render(string title, IReadOnlyList<Bar> bars, string? firstLabel = null, string? lastLabel = null, bool categories = false,
        string valueLabel = "count")
    {
        if (bars.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{Svg.Text(title)}: no values.</p>");
        }
        var bottom = categories ? 44 : 20;
        var plot = Height - bottom - Top;
        var ticks = Svg.Ticks(0, Math.Max(bars.Max(b => b.Value), 1e-12), 3);
        var max = Math.Max(ticks[^1], bars.Max(b => b.Value));
        var width = (double)(Width - Left) / bars.Count;
        double Y(double v) => Top + plot - (v / max * plot);
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"bars\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        foreach (var tick in ticks)
        {
            svg.Append($"<line class=\"grid\" x1=\"{Left}\" x2=\"{Width}\" y1=\"{Svg.N(Y(tick))}\" y2=\"{Svg.N(Y(tick))}\"/>");
            svg.Append($"<text class=\"tick\" x=\"{Left - 4}\" y=\"{Svg.N(Y(tick) + 4)}\" text-anchor=\"end\">{Fmt.Num(tick)}</text>");
        }
        svg.Append($"<text class=\"tick\" x=\"10\" y=\"{Top + 4}\" transform=\"rotate(-90 10 {Top + 4})\" text-anchor=\"end\">{Svg.Text(valueLabel)}</text>");
        for (var i = 0; i < bars.Count; i++)
        {
            var x = Left + (i * width);
            svg.Append($"<rect x=\"{Svg.N(x + 1)}\" y=\"{Svg.N(Y(bars[i].Value))}\" width=\"{Svg.N(Math.Max(width - 2, 1))}\" height=\"{Svg.N(Top + plot - Y(bars[i].Value))}\">");
            svg.Append($"<title>{Svg.Text(bars[i].Label)}: {Fmt.Num(bars[i].Value)}</title></rect>");
            if (categories)
            {
                var middle = x + (width / 2);
                svg.Append($"<text class=\"tick\" x=\"{Svg.N(middle)}\" y=\"{Top + plot + 12}\" text-anchor=\"end\" transform=\"rotate(-35 {Svg.N(middle)} {Top + plot + 12})\">{Svg.Text(Svg.Short(bars[i].Label, 12))}</text>");
            }
        }
        svg.Append($"<line class=\"axis\" x1=\"{Left}\" x2=\"{Width}\" y1=\"{Top + plot}\" y2=\"{Top + plot}\"/>");
        if (firstLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"{Left}\" y=\"{Height - 4}\">{Svg.Text(firstLabel)}</text>");
        }
        if (lastLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"{Width}\" y=\"{Height - 4}\" text-anchor=\"end\">{Svg.Text(lastLabel)}</text>");
        }
        svg.Append("</svg>");
        return new MarkupString(svg.ToString());
    }

    /// <summary>Horizontal bars, largest first as given, each labelled on its left and valued on its right; negative values grow left of zero.</summary>
    public static MarkupString Horizontal(string title, IReadOnlyList<Bar> bars, string valueLabel)
    {
        if (bars.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{Svg.Text(title)}: no values.</p>");
        }
        const int Width = 640;
        const int LabelWidth = 150;
        const int ValueWidth = 70;
        const int RowHeight = 22;
        var height = (bars.Count * RowHeight) + 24;
        var low = Math.Min(0, bars.Min(b => b.Value));
        var high = Math.Max(bars.Max(b => b.Value), low + 1e-12);
        double X(double v) => LabelWidth + ((v - low) / (high - low) * (Width - LabelWidth - ValueWidth));
        var svg = new StringBuilder();
        svg.Append($"<figure class=\"chart\"><figcaption>{Svg.Text(title)}</figcaption>");
        svg.Append($"<svg viewBox=\"0 0 {Width} {height}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var y = (i * RowHeight) + 4;
            var (from, to) = (Math.Min(X(0), X(bars[i].Value)), Math.Max(X(0), X(bars[i].Value)));
            svg.Append($"<text class=\"tick\" x=\"{LabelWidth - 6}\" y=\"{y + 14}\" text-anchor=\"end\">{Svg.Text(Svg.Short(bars[i].Label, 24))}</text>");
            svg.Append($"<rect x=\"{Svg.N(from)}\" y=\"{y + 3}\" width=\"{Svg.N(Math.Max(to - from, 1))}\" height=\"{RowHeight - 8}\" fill=\"{Svg.Palette[0]}\"><title>{Svg.Text(bars[i].Label)}: {Fmt.Num(bars[i].Value)}</title></rect>");
            svg.Append($"<text class=\"tick\" x=\"{Svg.N(to + 4)}\" y=\"{y + 14}\">{Fmt.Num(bars[i].Value)}</text>");
        }
        svg.Append($"<line class=\"axis\" x1=\"{Svg.N(X(0))}\" x2=\"{Svg.N(X(0))}\" y1=\"2\" y2=\"{height - 20}\"/>");
        svg.Append($"<text class=\"tick\" x=\"{Width - ValueWidth}\" y=\"{height - 4}\" text-anchor=\"end\">{Svg.Text(valueLabel)}</text>");
        svg.Append("</svg></figure>");
        return new MarkupString(svg.ToString());
    }
}
