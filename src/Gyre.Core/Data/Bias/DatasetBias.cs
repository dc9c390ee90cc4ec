using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;

namespace Gyre.Core.Data.Bias;

/// <summary>
/// Pre-training bias of a stored dataset version (<c>gyre data bias</c>): one DuckDB count of its rows
/// by sensitive value and label, then Clarify's metrics per group.
/// </summary>
public sealed class DatasetBias(IDatasetStore store, IDatasetObjectStore objects, IPairCounter counter)
{
    public async Task<BiasReport> PretrainingAsync(string name, long version, BiasRequest request, CancellationToken ct)
    {
        var found = await store.GetVersionAsync(name, version, ct);
        var data = $"{found.Name}@{found.Version}";
        var (sensitive, label) = Columns(found, data, request.Sensitive, request.Label);
        var counts = await counter.CountAsync(await objects.LocalPathAsync(found.Digest, found.Format, ct), found, sensitive, label, ct);
        return BiasAnalysis.Analyse(data, sensitive, label, request, [.. counts.Select(c => new BiasAnalysis.Group(c.First, c.Second, null, c.Count))]);
    }

    /// <summary>The sensitive and label columns, named or found by their schema roles; every problem at once, each named as <paramref name="fields"/> says.</summary>
    public static (string Sensitive, string Label) Columns(DatasetVersion version, string data, string? sensitive, string? label, BiasFields? fields = null)
    {
        fields ??= BiasFields.Query;
        var problems = new List<string>();
        var names = version.Columns.Select(c => c.Name).ToList();
        string? Pick(string field, string? named, ColumnRole role, string roleName)
        {
            if (named is not null)
            {
                if (!names.Contains(named, StringComparer.Ordinal))
                {
                    problems.Add($"{field}: '{named}' is not a column of {data} (its columns: {string.Join(", ", names)})");
                }
                return named;
            }
            var marked = version.Columns.Where(c => c.Role == role).Select(c => c.Name).ToList();
            if (marked.Count != 1)
            {
                problems.Add(marked.Count == 0
                    ? $"{field}: name the {roleName} column (no column of {data} has the role {SchemaRules.Wire(role)})"
                    : $"{field}: the schema marks several {roleName} columns ({string.Join(", ", marked)}); name one");
            }
            return marked.FirstOrDefault();
        }
        var s = Pick(fields.Sensitive, sensitive, ColumnRole.Sensitive, "sensitive");
        var l = Pick("label", label, ColumnRole.Label, "label");
        if (s is not null && s == l)
        {
            problems.Add($"{fields.Sensitive}: '{s}' is the label; name another column");
        }
        GyreException.ThrowIfAny(problems);
        return (s!, l!);
    }
}
