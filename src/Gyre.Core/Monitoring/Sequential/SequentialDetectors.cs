namespace Gyre.Core.Monitoring.Sequential;

/// <summary>The sequential detectors' names, as alarms and policies spell them.</summary>
public static class SequentialDetectors
{
    public const string Cusum = "cusum";
    public const string PageHinkley = "page_hinkley";
}
