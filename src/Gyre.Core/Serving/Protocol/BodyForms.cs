using System.Text.Json;
using Gyre.Core.Errors;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// The one form a request body takes among a dialect's several (<c>instances</c> or
/// <c>dataframe_split</c>; MLflow's four): exactly one member of the body names it.
/// </summary>
public static class BodyForms
{
    /// <summary>The form the body uses and its value; invalid_argument, with <paramref name="usage"/>, when it uses none, and naming them when it uses several.</summary>
    public static (string Form, JsonElement Value) One(JsonElement body, IReadOnlyList<string> forms, string usage)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw GyreException.Invalid($"body: expected {usage}, got {ValueReader.Kind(body)}");
        }
        var given = forms.Where(f => body.TryGetProperty(f, out _)).ToList();
        return given.Count switch
        {
            1 => (given[0], body.GetProperty(given[0])),
            0 => throw GyreException.Invalid($"body: expected {usage}"),
            _ => throw GyreException.Invalid($"body: expected exactly one of {string.Join(", ", forms)}, got {string.Join(" and ", given)}"),
        };
    }
}
