using System.Data.Common;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tracking;

/// <summary>
/// Writes a batch of metric points and moves each key's latest point forward, the hot path of
/// <c>log-batch</c>; each backend does it the way that is fastest there.
/// </summary>
internal interface IMetricWriter
{
    /// <summary>
    /// Writes <paramref name="points"/> (every point of the batch; an exact duplicate of a stored point
    /// is ignored, as MLflow does) and <paramref name="latest"/> (the batch's latest point of each key;
    /// a stored point that is later stays) for the run <paramref name="runKey"/>, in the transaction.
    /// </summary>
    Task WriteAsync(DbConnection c, DbTransaction t, long runKey, IReadOnlyList<Metric> points, IReadOnlyCollection<Metric> latest, CancellationToken ct);
}
