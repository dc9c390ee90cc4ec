using System.CommandLine.Parsing;
using Gyre.Core.Tracking;

namespace Gyre.Cli.Commands;

/// <summary>Parses <c>--view</c> values in the API's spelling.</summary>
internal static class ViewTypes
{
    public static ViewType Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "active_only";
        switch (text.ToLowerInvariant())
        {
            case "active_only":
            case "active":
                return ViewType.ActiveOnly;
            case "deleted_only":
            case "deleted":
                return ViewType.DeletedOnly;
            case "all":
                return ViewType.All;
            default:
                result.AddError($"--view: expected active_only, deleted_only or all, got '{text}'");
                return ViewType.ActiveOnly;
        }
    }
}
