namespace Gyre.Client;

/// <summary>Builds request paths with every user-given part escaped.</summary>
internal static class Paths
{
    public static string E(string value) => Uri.EscapeDataString(value);

    /// <summary>Escapes each segment of a slash-separated path, keeping the slashes.</summary>
    public static string Segments(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    public static string Query(params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
