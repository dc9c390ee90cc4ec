using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Tracking;

namespace Gyre.Storage.Tracking;

/// <summary>Experiment ids are numeric text on the wire and integers in the table.</summary>
internal static class ExperimentKeys
{
    public static long? TryExperiment(ExperimentId id) =>
        long.TryParse(id.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static long Experiment(ExperimentId id, string field = "experiment_id") =>
        TryExperiment(id) ?? throw GyreException.Invalid($"{field}: expected a numeric experiment id, got '{id.Value}'");

    public static ExperimentId Experiment(long id) => new(id.ToString(CultureInfo.InvariantCulture));
}
