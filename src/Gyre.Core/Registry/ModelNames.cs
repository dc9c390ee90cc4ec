using System.Text.RegularExpressions;
using Gyre.Core.Naming;

namespace Gyre.Core.Registry;

/// <summary>Rules for model names and aliases; each check returns a message naming the field, or null.</summary>
public static partial class ModelNames
{
    public static string? CheckModelName(string field, string? name)
    {
        var problem = Names.CheckName(field, name);
        if (problem is not null)
        {
            return problem;
        }
        if (name!.Contains('/') || name.Contains('@') || name.Contains('\\') || name.Contains('%'))
        {
            return $"{field}: model name '{name}' must not contain '/', '@', '\\' or '%' ('/' and '@' address versions and aliases)";
        }
        return name.Trim('.').Length == 0 ? $"{field}: model name '{name}' must not be only dots" : null;
    }

    public static string? CheckAlias(string field, string? alias)
    {
        if (string.IsNullOrEmpty(alias) || !AliasPattern().IsMatch(alias))
        {
            return $"{field}: expected an alias of letters, digits, '_' and '-' (at most 255), got '{alias}'";
        }
        // MLflow reserves these: "latest" and "v<digits>" would be ambiguous with version references.
        if (alias.Equals("latest", StringComparison.OrdinalIgnoreCase) || VersionLike().IsMatch(alias))
        {
            return $"{field}: alias '{alias}' is reserved";
        }
        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex AliasPattern();

    [GeneratedRegex("^[vV][0-9]+$")]
    private static partial Regex VersionLike();
}
