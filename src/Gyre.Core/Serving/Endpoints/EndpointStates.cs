namespace Gyre.Core.Serving.Endpoints;

/// <summary>The states of an endpoint (<see cref="EndpointStatus.State"/>), as the API writes them.</summary>
public static class EndpointStates
{
    /// <summary>Its models are loaded and it answers.</summary>
    public const string Ready = "ready";

    /// <summary>Its models are being loaded.</summary>
    public const string Loading = "loading";

    /// <summary>A model could not be loaded; the reason says why.</summary>
    public const string Failed = "failed";
}
