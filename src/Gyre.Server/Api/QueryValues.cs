using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Server.Api;

/// <summary>Parses enum-like query values with errors that name the parameter.</summary>
internal static class QueryValues
{
    public static ViewType ViewType(string? text, string field) => text?.ToLowerInvariant() switch
    {
        null or "" or "active_only" => Core.Tracking.ViewType.ActiveOnly,
        "deleted_only" => Core.Tracking.ViewType.DeletedOnly,
        "all" => Core.Tracking.ViewType.All,
        _ => throw GyreException.Invalid($"{field}: expected active_only, deleted_only or all, got '{text}'"),
    };
}
