namespace Gyre.Core.Data;

/// <summary>One bin of a histogram: values in [Lower, Upper), the last bin closed on the right.</summary>
public sealed record HistogramBin(double Lower, double Upper, long Count);
