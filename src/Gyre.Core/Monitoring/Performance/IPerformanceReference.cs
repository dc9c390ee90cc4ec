namespace Gyre.Core.Monitoring.Performance;

/// <summary>What CBPE learned from a served version's labelled reference: binary or multiclass; the realized accuracy there is what estimates are compared with.</summary>
public interface IPerformanceReference
{
    string Data { get; }

    double Accuracy { get; }
}
