using System.Globalization;
using Gyre.Core.Errors;

namespace Gyre.Core.Data;

/// <summary>A stored version named in a request as <c>NAME</c>, <c>NAME@latest</c> or <c>NAME@VERSION</c>.</summary>
public static class DatasetVersionReference
{
    /// <summary>The name and version (0: the latest); a 400 naming <paramref name="field"/> when the text is not of that form.</summary>
    public static (string Name, long Version) Parse(string field, string text)
    {
        var at = text.LastIndexOf('@');
        var version = at < 0 || text[(at + 1)..] == "latest" ? 0
            : long.TryParse(text.AsSpan(at + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v
            : throw GyreException.Invalid($"{field}: expected NAME, NAME@latest or NAME@VERSION, got '{text}'");
        var name = at < 0 ? text : text[..at];
        return name.Length > 0 ? (name, version) : throw GyreException.Invalid($"{field}: expected NAME, NAME@latest or NAME@VERSION, got '{text}'");
    }

    public static async Task<DatasetVersion> ResolveAsync(this IDatasetStore store, string field, string text, CancellationToken ct)
    {
        var (name, version) = Parse(field, text);
        return await store.GetVersionAsync(name, version, ct);
    }
}
