using Gyre.Core.Naming;

namespace Gyre.Core.Tracking;

/// <summary>The check of tags, shared by runs, models, versions and datasets.</summary>
public static class Tags
{
    /// <summary>Checks a list of tags (null items included), adding one problem per bad field to <paramref name="problems"/>.</summary>
    public static void Check(string field, IReadOnlyList<Tag?>? tags, List<string> problems)
    {
        for (var i = 0; i < (tags?.Count ?? 0); i++)
        {
            if (tags![i] is not { } tag)
            {
                problems.Add($"{field}[{i}]: expected an object {{key, value}}, got null");
                continue;
            }
            Names.AddIf(problems, Names.CheckKey($"{field}[{i}].key", tag.Key));
            Names.AddIf(problems, Names.CheckValue($"{field}[{i}].value", tag.Value, TrackingLimits.MaxTagValueLength));
        }
    }
}
