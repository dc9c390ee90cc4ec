using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Evaluation;

namespace Gyre.Core.Tests.Learning;

/// <summary>
/// Every metric against scikit-learn: Fixtures/make_metrics_fixture.py computed them for binary
/// cases with tied scores, multiclass cases and regression cases; the tests compare to 1e-9.
/// </summary>
public sealed class MetricsTests
{
    private static readonly JsonElement Fixture = JsonDocument.Parse(
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "metrics_fixture.json"))).RootElement;

    private static void Close(JsonElement expected, string field, double actual, int index) =>
        Assert.True(Math.Abs(expected.GetProperty(field).GetDouble() - actual) <= 1e-9 * Math.Max(1, Math.Abs(actual)),
            $"case {index} {field}: scikit-learn {expected.GetProperty(field).GetDouble():R}, Gyre {actual:R}");

    private static List<List<long>> Matrix(JsonElement rows) =>
        rows.EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetInt64()).ToList()).ToList();

    [Fact]
    public void Binary_AgreesWithScikitLearn_IncludingTiedScores()
    {
        var index = 0;
        foreach (var c in Fixture.GetProperty("binary").EnumerateArray())
        {
            var labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32() == 1).ToList();
            var p = c.GetProperty("probabilities").EnumerateArray().Select(v => v.GetDouble()).ToList();
            var e = Metrics.Binary(labels, p, c.GetProperty("threshold").GetDouble());
            Close(c, "auc", e.Auc, index);
            Close(c, "average_precision", e.AveragePrecision, index);
            Close(c, "log_loss", e.LogLoss, index);
            Close(c, "accuracy", e.Accuracy, index);
            Close(c, "precision", e.Precision, index);
            Close(c, "recall", e.Recall, index);
            Close(c, "f1", e.F1, index);
            Close(c, "brier", e.Brier, index);
            Assert.Equal(Matrix(c.GetProperty("confusion")), e.Confusion.Select(r => r.ToList()).ToList());
            var calibration = c.GetProperty("calibration");
            var observed = calibration[0].EnumerateArray().Select(v => v.GetDouble()).ToList();
            var predicted = calibration[1].EnumerateArray().Select(v => v.GetDouble()).ToList();
            Assert.Equal(observed.Count, e.Calibration!.Count);
            for (var b = 0; b < observed.Count; b++)
            {
                Assert.True(Math.Abs(observed[b] - e.Calibration[b].ObservedRate) <= 1e-12, $"case {index} bin {b}: observed {observed[b]} vs {e.Calibration[b].ObservedRate}");
                Assert.True(Math.Abs(predicted[b] - e.Calibration[b].MeanPredicted) <= 1e-12, $"case {index} bin {b}: predicted {predicted[b]} vs {e.Calibration[b].MeanPredicted}");
            }
            Assert.Equal(labels.Count, e.Calibration.Sum(b => b.Count));
            index++;
        }
        Assert.Equal(3, index);
    }

    [Fact]
    public void Multiclass_AgreesWithScikitLearn()
    {
        var index = 0;
        foreach (var c in Fixture.GetProperty("multiclass").EnumerateArray())
        {
            var labels = c.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToList();
            var p = c.GetProperty("probabilities").EnumerateArray()
                .Select(r => (IReadOnlyList<double>)r.EnumerateArray().Select(v => v.GetDouble()).ToList()).ToList();
            var e = Metrics.Multiclass(labels, p, c.GetProperty("classes").GetInt32());
            Close(c, "accuracy", e.Accuracy, index);
            Close(c, "macro_f1", e.MacroF1, index);
            Close(c, "micro_f1", e.MicroF1, index);
            Close(c, "log_loss", e.LogLoss, index);
            Assert.Equal(Matrix(c.GetProperty("confusion")), e.Confusion.Select(r => r.ToList()).ToList());
            index++;
        }
        Assert.Equal(2, index);
    }

    [Fact]
    public void Regression_AgreesWithScikitLearn()
    {
        var index = 0;
        foreach (var c in Fixture.GetProperty("regression").EnumerateArray())
        {
            var e = Metrics.Regression(
                c.GetProperty("actual").EnumerateArray().Select(v => v.GetDouble()).ToList(),
                c.GetProperty("predicted").EnumerateArray().Select(v => v.GetDouble()).ToList());
            Close(c, "rmse", e.Rmse, index);
            Close(c, "mae", e.Mae, index);
            Close(c, "r2", e.R2, index);
            Close(c, "mape", e.Mape, index);
            index++;
        }
        Assert.Equal(2, index);
    }

    [Fact]
    public void EdgeCases_FollowScikitLearn()
    {
        // A single class has no AUC; a constant target fitted exactly has R² 1, fitted inexactly 0.
        Assert.True(double.IsNaN(Metrics.Binary([true, true], [0.2, 0.9]).Auc));
        Assert.Equal(1, Metrics.Regression([3, 3], [3, 3]).R2);
        Assert.Equal(0, Metrics.Regression([3, 3], [3, 4]).R2);
        // Hard 0/1 probabilities are clipped, not infinite.
        Assert.Equal(-Math.Log(1e-15) / 2, Metrics.Binary([true, false], [0.0, 0.0]).LogLoss, 6);
        Assert.Contains("probabilities: expected 2 values", Assert.Throws<GyreException>(() => Metrics.Binary([true, false], [0.5])).Message, StringComparison.Ordinal);
        Assert.Contains("between 0 and 1", Assert.Throws<GyreException>(() => Metrics.Binary([true], [1.5])).Message, StringComparison.Ordinal);
    }
}
