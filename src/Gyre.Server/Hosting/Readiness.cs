namespace Gyre.Server.Hosting;

/// <summary>Whether the server is draining: about to stop, so <c>/readyz</c> tells load balancers to send no more.</summary>
internal sealed class Readiness
{
    private volatile bool _draining;

    public bool Draining => _draining;

    public void BeginDraining() => _draining = true;
}
