using Gyre.Storage.Serving;
using Gyre.Storage.Tracking;

namespace Gyre.Storage.Sql;

/// <summary>
/// One metadata backend, as <see cref="DatabaseOptions"/> chose it: the database, the way it writes
/// metric batches fastest, and whether other processes may share it (then its schema changes only
/// when asked to, never by a server starting), and where the prediction log keeps its tables.
/// </summary>
internal sealed record SqlBackend(SqlDatabase Database, IMetricWriter MetricWriter, bool IsShared, Func<GyreHome, PredictionTables> PredictionTables);
