using Gyre.Core.Errors;

namespace Gyre.Core.Registry;

/// <summary>A model version as users address it: <c>NAME@ALIAS</c> (follows the alias) or <c>NAME/VERSION</c> (pinned).</summary>
public sealed record ModelReference(string Name, string? Alias, long? Version)
{
    public static ModelReference Parse(string field, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            var at = text.LastIndexOf('@');
            if (at > 0 && at < text.Length - 1)
            {
                return new ModelReference(text[..at], text[(at + 1)..], null);
            }
            var slash = text.LastIndexOf('/');
            if (slash > 0 && long.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) && version > 0)
            {
                return new ModelReference(text[..slash], null, version);
            }
        }
        throw GyreException.Invalid($"{field}: expected NAME@ALIAS or NAME/VERSION, got '{text}'");
    }

    public Task<ModelVersion> ResolveAsync(IRegistryStore registry, CancellationToken ct) =>
        Alias is { } alias ? registry.GetVersionByAliasAsync(Name, alias, ct) : registry.GetVersionAsync(Name, Version!.Value, ct);

    public override string ToString() => Alias is { } alias ? $"{Name}@{alias}" : $"{Name}/{Version}";
}
