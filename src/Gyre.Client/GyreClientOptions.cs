namespace Gyre.Client;

/// <summary>Where the server is and how to authenticate.</summary>
public sealed record GyreClientOptions
{
    public const string DefaultServer = "http://127.0.0.1:5000";

    public Uri Server { get; init; } = new(DefaultServer);

    /// <summary>An API token, sent as <c>Authorization: Bearer</c>; null sends none.</summary>
    public string? Token { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>The server from <c>$GYRE_SERVER</c> and the token from <c>$GYRE_TOKEN</c>, unless given; with defaults.</summary>
    public static GyreClientOptions FromEnvironment(string? server = null, string? token = null)
    {
        var serverText = server ?? NonEmpty("GYRE_SERVER") ?? DefaultServer;
        if (!Uri.TryCreate(serverText, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw Core.Errors.GyreException.Invalid($"server: '{serverText}' is not an http(s) URL such as {DefaultServer}");
        }
        return new GyreClientOptions { Server = uri, Token = token ?? NonEmpty("GYRE_TOKEN") };
    }

    private static string? NonEmpty(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : null;
}
