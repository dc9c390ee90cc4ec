using System.Text;
using Microsoft.AspNetCore.Components;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>One bar: its label (a bin's range or a category) and its height.</summary>
internal sealed record Bar(string Label, double Value);

/// <summary>A bar chart (a histogram or category counts) as inline SVG, with a tooltip per bar.</summary>
internal static class BarChart
{
    private const int Width = 360;
    private const int Height = 140;
    private const int Bottom = 20;

    public static MarkupString Render(string title, IReadOnlyList<Bar> bars, string? firstLabel = null, string? lastLabel = null)
    {
        if (bars.Count == 0)
        {
            return new MarkupString($"<p class=\"muted\">{Svg.Text(title)}: no values.</p>");
        }
        var max = Math.Max(bars.Max(b => b.Value), 1e-12);
        var width = (double)Width / bars.Count;
        var svg = new StringBuilder();
        svg.Append($"<svg class=\"bars\" viewBox=\"0 0 {Width} {Height}\" role=\"img\" aria-label=\"{Svg.Text(title)}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var h = bars[i].Value / max * (Height - Bottom - 4);
            svg.Append($"<rect x=\"{Svg.N((i * width) + 1)}\" y=\"{Svg.N(Height - Bottom - h)}\" width=\"{Svg.N(Math.Max(width - 2, 1))}\" height=\"{Svg.N(h)}\">");
            svg.Append($"<title>{Svg.Text(bars[i].Label)}: {Fmt.Num(bars[i].Value)}</title></rect>");
        }
        svg.Append($"<line class=\"axis\" x1=\"0\" x2=\"{Width}\" y1=\"{Height - Bottom}\" y2=\"{Height - Bottom}\"/>");
        if (firstLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"0\" y=\"{Height - 4}\">{Svg.Text(firstLabel)}</text>");
        }
        if (lastLabel is not null)
        {
            svg.Append($"<text class=\"tick\" x=\"{Width}\" y=\"{Height - 4}\" text-anchor=\"end\">{Svg.Text(lastLabel)}</text>");
        }
        svg.Append("</svg>");
        return new MarkupString(svg.ToString());
    }
}
