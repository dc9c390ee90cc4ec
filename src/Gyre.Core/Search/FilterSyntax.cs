using Gyre.Core.Errors;

namespace Gyre.Core.Search;

/// <summary>Builds the errors of the search language, each pointing at a 1-based position.</summary>
internal static class FilterSyntax
{
    public static GyreException Error(string field, int position, string message) =>
        GyreException.Invalid($"{field}: at position {position}: {message}");
}
