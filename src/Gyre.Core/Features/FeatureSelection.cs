using Gyre.Core.Errors;

namespace Gyre.Core.Features;

/// <summary>Features named as <c>GROUP:FEATURE</c> or <c>GROUP:*</c>, by a training set or an endpoint's lookups.</summary>
public static class FeatureSelection
{
    /// <summary>The groups named, in the order first named, each with its features asked for (<c>*</c>: all of them, in the group's order).</summary>
    public static async Task<List<(FeatureGroup Group, List<string> Features)>> SelectAsync(FeatureGroups groups, string field, IReadOnlyList<string> features, CancellationToken ct)
    {
        var selected = new List<(FeatureGroup Group, List<string> Features)>();
        var problems = new List<string>();
        for (var i = 0; i < features.Count; i++)
        {
            if (features[i] is not { } text)
            {
                problems.Add($"{field}[{i}]: expected GROUP:FEATURE or GROUP:*, got null");
                continue;
            }
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == text.Length - 1)
            {
                problems.Add($"{field}: expected GROUP:FEATURE or GROUP:*, got '{text}'");
                continue;
            }
            var (name, feature) = (text[..colon], text[(colon + 1)..]);
            var entry = selected.FirstOrDefault(s => s.Group.Name == name);
            if (entry.Group is null)
            {
                try
                {
                    entry = (await groups.GetAsync(name, ct), []);
                    selected.Add(entry);
                }
                catch (GyreException e) when (e.Code == ErrorCode.NotFound)
                {
                    problems.Add($"{field}: there is no feature group '{name}' (in '{text}')");
                    continue;
                }
            }
            var known = entry.Group.Features.Select(f => f.Name).ToList();
            if (feature != "*" && !known.Contains(feature, StringComparer.Ordinal))
            {
                problems.Add($"{field}: '{feature}' is not a feature of the group '{name}' (its features: {string.Join(", ", known)})");
                continue;
            }
            entry.Features.AddRange((feature == "*" ? known : [feature]).Where(f => !entry.Features.Contains(f, StringComparer.Ordinal)));
        }
        GyreException.ThrowIfAny(problems);
        return selected;
    }
}
