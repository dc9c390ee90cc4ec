using Gyre.Core.Monitoring.Bias;

namespace Gyre.Core.Monitoring.Monitors;

/// <summary>Told of every drift window the monitor checks and stores, and of the newest window's bias as labels arrive (the server exports the latest as metrics).</summary>
public interface IDriftObserver
{
    void Checked(DriftWindow window);

    void Measured(string endpoint, WindowBias bias);
}
