using System.Text;
using Microsoft.AspNetCore.Components;

namespace Gyre.Server.Dashboard.Charts;

/// <summary>A node of a drawn graph: a pipeline step, a lineage artifact or execution.</summary>
internal sealed record GraphNode(string Id, string Label, string Detail, string Kind, string? Href = null, string? State = null);

/// <summary>
/// A directed acyclic graph as inline SVG, left to right: each node in the column of its longest path
/// from a source, in the order given within a column. Nodes with a link are links, so a keyboard
/// reaches them with Tab and follows them with Enter.
/// </summary>
internal static class Graph
{
    private const int NodeWidth = 156;
    private const int NodeHeight = 46;
    private const int GapX = 36;
    private const int GapY = 18;

    public static MarkupString Render(string title, IReadOnlyList<GraphNode> nodes, IReadOnlyList<(string From, string To)> edges)
    {
        var known = nodes.Select(n => n.Id).ToHashSet(StringComparer.Ordinal);
        var links = edges.Where(e => known.Contains(e.From) && known.Contains(e.To)).Distinct().ToList();
        var column = Columns(nodes, links);
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var group in nodes.GroupBy(n => column[n.Id]))
        {
            var r = 0;
            foreach (var node in group)
            {
                rows[node.Id] = r++;
            }
        }
        var width = ((column.Values.DefaultIfEmpty(0).Max() + 1) * (NodeWidth + GapX)) - GapX + 8;
        var height = ((rows.Values.DefaultIfEmpty(0).Max() + 1) * (NodeHeight + GapY)) - GapY + 8;
        double Px(string id) => 4 + (column[id] * (NodeWidth + GapX));
        double Py(string id) => 4 + (rows[id] * (NodeHeight + GapY));

        var svg = new StringBuilder();
        svg.Append($"<div class=\"graph\"><svg viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"group\" aria-label=\"{Svg.Text(title)}\">");
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker></defs>");
        foreach (var (from, to) in links)
        {
            var (x1, y1) = (Px(from) + NodeWidth, Py(from) + (NodeHeight / 2.0));
            var (x2, y2) = (Px(to), Py(to) + (NodeHeight / 2.0));
            var mid = (x1 + x2) / 2;
            svg.Append($"<path class=\"edge\" d=\"M{Svg.N(x1)},{Svg.N(y1)} C{Svg.N(mid)},{Svg.N(y1)} {Svg.N(mid)},{Svg.N(y2)} {Svg.N(x2)},{Svg.N(y2)}\" marker-end=\"url(#arrow)\"/>");
        }
        foreach (var node in nodes)
        {
            var (x, y) = (Px(node.Id), Py(node.Id));
            var state = node.State is null ? "" : $" state-{node.State}";
            var label = $"{node.Label}{(node.Detail.Length > 0 ? ", " + node.Detail : "")}{(node.State is null ? "" : ", " + node.State)}";
            var body = new StringBuilder();
            body.Append($"<g class=\"node kind-{Svg.Text(node.Kind)}{Svg.Text(state)}\" data-node=\"{Svg.Text(node.Id)}\"><title>{Svg.Text(label)}</title>");
            body.Append($"<rect x=\"{Svg.N(x)}\" y=\"{Svg.N(y)}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"6\"/>");
            body.Append($"<text x=\"{Svg.N(x + 8)}\" y=\"{Svg.N(y + 19)}\" class=\"label\">{Svg.Text(Svg.Short(node.Label, 21))}</text>");
            body.Append($"<text x=\"{Svg.N(x + 8)}\" y=\"{Svg.N(y + 36)}\" class=\"detail\">{Svg.Text(Svg.Short(node.Detail, 25))}</text></g>");
            svg.Append(node.Href is null ? body.ToString() : $"<a href=\"{Svg.Text(node.Href)}\" aria-label=\"{Svg.Text(label)}\">{body}</a>");
        }
        svg.Append("</svg></div>");
        return new MarkupString(svg.ToString());
    }

    /// <summary>The longest path from a source to each node (cycles, which valid inputs lack, are cut).</summary>
    private static Dictionary<string, int> Columns(IReadOnlyList<GraphNode> nodes, IReadOnlyList<(string From, string To)> edges)
    {
        var incoming = edges.GroupBy(e => e.To).ToDictionary(g => g.Key, g => g.Select(e => e.From).ToList(), StringComparer.Ordinal);
        var column = new Dictionary<string, int>(StringComparer.Ordinal);
        var visiting = new HashSet<string>(StringComparer.Ordinal);
        int Of(string id)
        {
            if (column.TryGetValue(id, out var c))
            {
                return c;
            }
            if (!visiting.Add(id))
            {
                return 0;
            }
            var result = incoming.TryGetValue(id, out var from) ? from.Max(f => Of(f) + 1) : 0;
            visiting.Remove(id);
            return column[id] = result;
        }
        foreach (var node in nodes)
        {
            Of(node.Id);
        }
        return column;
    }
}
