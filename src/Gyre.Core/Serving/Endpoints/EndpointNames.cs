namespace Gyre.Core.Serving.Endpoints;

/// <summary>Endpoint names travel in URL paths and as Open Inference Protocol model names, so they are kept plain.</summary>
public static class EndpointNames
{
    public const int MaxLength = 64;

    public static string? Check(string field, string? name) => Check(field, name, "an endpoint");

    /// <summary>The rule for every name that travels in a URL path (endpoints, pipelines, policies); <paramref name="what"/> names the kind in the message.</summary>
    public static string? Check(string field, string? name, string what)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"{field}: expected {what} name";
        }
        if (name.Length > MaxLength || !char.IsAsciiLetterOrDigit(name[0]) || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            return $"{field}: expected 1 to {MaxLength} letters, digits, '-', '_' or '.', starting with a letter or digit; got '{name}'";
        }
        return null;
    }
}
