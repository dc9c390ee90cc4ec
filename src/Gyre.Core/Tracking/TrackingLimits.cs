namespace Gyre.Core.Tracking;

/// <summary>Sizes of names and values, as MLflow bounds them.</summary>
public static class TrackingLimits
{
    public const int MaxKeyLength = Naming.Names.MaxKeyLength;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxNameLength = Naming.Names.MaxNameLength;
}
