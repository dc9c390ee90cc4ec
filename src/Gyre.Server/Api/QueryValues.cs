using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Server.Api;

/// <summary>
/// Parses query values with errors that name the parameter as the API spells it. Handlers take
/// query values as strings so that a malformed one never reaches the framework's binder, whose
/// messages name C# parameters instead.
/// </summary>
internal static class QueryValues
{
    public static int Int(string? text, string field, int defaultValue) =>
        text is null ? defaultValue
        : int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw GyreException.Invalid($"{field}: expected an integer, got '{text}'");

    public static long Long(string? text, string field, long defaultValue) =>
        text is null ? defaultValue
        : long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value) ? value
        : throw GyreException.Invalid($"{field}: expected an integer, got '{text}'");

    /// <summary>A version number from a route; with <paramref name="allowLatest"/>, "latest" is 0.</summary>
    public static long Version(string text, bool allowLatest = false) =>
        allowLatest && text == "latest" ? 0
        : long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0 ? n
        : throw GyreException.Invalid($"version: expected a positive version number{(allowLatest ? " or 'latest'" : "")}, got '{text}'");

    public static bool Bool(string? text, string field) => text?.ToLowerInvariant() switch
    {
        null or "" or "false" => false,
        "true" => true,
        _ => throw GyreException.Invalid($"{field}: expected true or false, got '{text}'"),
    };

    public static ViewType ViewType(string? text, string field) => text?.ToLowerInvariant() switch
    {
        null or "" or "active_only" => Core.Tracking.ViewType.ActiveOnly,
        "deleted_only" => Core.Tracking.ViewType.DeletedOnly,
        "all" => Core.Tracking.ViewType.All,
        _ => throw GyreException.Invalid($"{field}: expected active_only, deleted_only or all, got '{text}'"),
    };

    public static Core.Data.BadRowPolicy BadRowPolicy(string? text, string field) => text?.ToLowerInvariant() switch
    {
        null or "" or "fail" => Core.Data.BadRowPolicy.Fail,
        "skip" => Core.Data.BadRowPolicy.Skip,
        _ => throw GyreException.Invalid($"{field}: expected fail or skip, got '{text}'"),
    };
}
