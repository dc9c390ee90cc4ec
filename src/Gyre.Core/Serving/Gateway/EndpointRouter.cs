using System.Collections.Concurrent;
using Gyre.Core.Errors;

namespace Gyre.Core.Serving.Gateway;

/// <summary>
/// The endpoints the gateway serves, in memory: a request finds its endpoint without touching the
/// database. A change replaces an endpoint's snapshot in one atomic step.
/// </summary>
public sealed class EndpointRouter
{
    private readonly ConcurrentDictionary<string, ServedEndpoint> _served = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _failed = new(StringComparer.Ordinal);

    public bool TryGet(string name, out ServedEndpoint endpoint) => _served.TryGetValue(name, out endpoint!);

    /// <summary>The endpoint, or not_found; unavailable when it exists but its models could not be loaded.</summary>
    public ServedEndpoint Get(string name)
    {
        if (_served.TryGetValue(name, out var endpoint))
        {
            return endpoint;
        }
        if (_failed.TryGetValue(name, out var reason))
        {
            throw new GyreException(ErrorCode.Unavailable, $"endpoint '{name}' is not serving: {reason}");
        }
        throw GyreException.NotFound($"endpoint '{name}' does not exist");
    }

    /// <summary>Why an endpoint is not serving, when it is not.</summary>
    public string? FailureOf(string name) => _failed.TryGetValue(name, out var reason) ? reason : null;

    public IReadOnlyCollection<ServedEndpoint> All => [.. _served.Values];

    /// <summary>Every endpoint the router knows of, serving or failed.</summary>
    public IReadOnlyCollection<string> Names => [.. _served.Keys.Union(_failed.Keys)];

    /// <summary>True when every stored endpoint is serving.</summary>
    public bool AllReady => _failed.IsEmpty;

    public void Set(ServedEndpoint endpoint)
    {
        _served[endpoint.Endpoint.Name] = endpoint;
        _failed.TryRemove(endpoint.Endpoint.Name, out _);
    }

    public void SetFailed(string name, string reason)
    {
        _served.TryRemove(name, out _);
        _failed[name] = reason;
    }

    public ServedEndpoint? Remove(string name)
    {
        _failed.TryRemove(name, out _);
        return _served.TryRemove(name, out var removed) ? removed : null;
    }
}
