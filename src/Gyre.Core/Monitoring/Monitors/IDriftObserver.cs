namespace Gyre.Core.Monitoring.Monitors;

/// <summary>Told of every drift window the monitor checks and stores (the server exports the latest as metrics).</summary>
public interface IDriftObserver
{
    void Checked(DriftWindow window);
}
