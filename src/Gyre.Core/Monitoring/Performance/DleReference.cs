using Gyre.Core.Errors;
using Gyre.Core.Monitoring.Learners;
using Gyre.Core.Monitoring.Multivariate;

using Gyre.Core.Monitoring.Windows;

namespace Gyre.Core.Monitoring.Performance;

/// <summary>
/// Direct loss estimation (NannyML's DLE) for a regression: on the labelled reference, two small
/// gradient-boosted models learn a row's absolute and squared error from its features (encoded as
/// the PCA encodes them) and the model's prediction; over a window, their mean predictions estimate
/// MAE and, through the square root, RMSE. Like CBPE it assumes the concept has not drifted.
/// </summary>
public sealed record DleReference(string Data, long Rows, IReadOnlyList<EncodedColumn> Columns, IVectorModel AbsoluteError, IVectorModel SquaredError,
    double Mae, double Rmse, double AbsoluteErrorStddev, double SquaredErrorStddev) : IPerformanceReference
{
    /// <summary>A regression has no accuracy: the estimated-accuracy statistic is for classifiers.</summary>
    public double Accuracy => double.NaN;

    public static DleReference Fit(string data, IReadOnlyList<EncodedColumn> columns, IReadOnlyList<double[]> encoded, IReadOnlyList<double> predictions,
        IReadOnlyList<double> labels, IVectorLearner learner)
    {
        if (labels.Count < CbpeReference.MinRows)
        {
            throw GyreException.Invalid($"performance.reference: {data} has {labels.Count} labelled rows; direct loss estimation needs at least {CbpeReference.MinRows}");
        }
        var rows = encoded.Select((x, i) => (double[])[.. x, predictions[i]]).ToList();
        var absolute = labels.Select((y, i) => Math.Abs(y - predictions[i])).ToArray();
        var squared = absolute.Select(e => e * e).ToArray();
        static double Sd(double[] v) => Math.Sqrt(v.Sum(x => (x - v.Average()) * (x - v.Average())) / v.Length);
        return new DleReference(data, labels.Count, columns, learner.Regress(rows, absolute, 1), learner.Regress(rows, squared, 1),
            absolute.Average(), Math.Sqrt(squared.Average()), Sd(absolute), Sd(squared));
    }

    /// <summary>The window's rows named, each with its prediction, encoded as the reference's rows were.</summary>
    public List<double[]> Encode(LoggedColumns window, IReadOnlyList<int> rows, IReadOnlyList<double> predictions)
    {
        var encoded = EncodedColumn.EncodeRows(Columns, window, rows, extra: 1);
        for (var i = 0; i < encoded.Count; i++)
        {
            encoded[i][^1] = predictions[i];
        }
        return encoded;
    }

    /// <summary>A window's MAE and RMSE estimated from its encoded rows; standard errors from the reference's spread of errors.</summary>
    public EstimatedPerformance Estimate(IReadOnlyList<double[]> rows)
    {
        var n = rows.Count;
        var mae = AbsoluteError.Predict(rows).Select(e => Math.Max(0, e)).Average();
        var mse = SquaredError.Predict(rows).Select(e => Math.Max(0, e)).Average();
        var rmse = Math.Sqrt(mse);
        var errors = new Dictionary<string, double> { ["mae"] = AbsoluteErrorStddev / Math.Sqrt(n) };
        if (rmse > 0)
        {
            errors["rmse"] = SquaredErrorStddev / Math.Sqrt(n) / (2 * rmse);
        }
        return new EstimatedPerformance(Dle, n, new Dictionary<string, double> { ["mae"] = mae, ["rmse"] = rmse }, errors);
    }

    public const string Dle = "dle";
}
