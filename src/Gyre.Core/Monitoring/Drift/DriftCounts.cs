namespace Gyre.Core.Monitoring.Drift;

/// <summary>Both sides' counts over every value either has, in one order.</summary>
internal static class DriftCounts
{
    public static (double[] Reference, double[] Current) Aligned(ColumnDistribution reference, ColumnDistribution current)
    {
        var r = reference.Counts ?? throw Errors.GyreException.Invalid($"columns.{reference.Name}: the reference keeps no value counts for it (a numeric column with many values); use ks, wasserstein or psi");
        var c = current.Counts ?? throw Errors.GyreException.Invalid($"columns.{current.Name}: the current data keeps no value counts for it; use ks, wasserstein or psi");
        var keys = r.Keys.Union(c.Keys).Order(StringComparer.Ordinal).ToList();
        return ([.. keys.Select(k => (double)r.GetValueOrDefault(k))], [.. keys.Select(k => (double)c.GetValueOrDefault(k))]);
    }
}
