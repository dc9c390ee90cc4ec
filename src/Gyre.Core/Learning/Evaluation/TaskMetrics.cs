using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Learning.Evaluation;

/// <summary>The metrics of a task by name (auc, accuracy, rmse…), as trainings record them and gates compare them.</summary>
public static class TaskMetrics
{
    private static readonly HashSet<string> LowerIsBetter = ["log_loss", "brier", "rmse", "mae", "mape"];

    private static readonly string[] BinaryNames = ["auc", "average_precision", "log_loss", "accuracy", "precision", "recall", "f1", "brier"];
    private static readonly string[] MulticlassNames = ["accuracy", "macro_f1", "micro_f1", "log_loss"];
    private static readonly string[] RegressionNames = ["rmse", "mae", "r2", "mape"];

    /// <summary>The names of a task's metrics, in the order <see cref="Evaluate"/> gives them.</summary>
    public static IReadOnlyList<string> Names(string task) => task switch
    {
        ModelTasks.Binary => BinaryNames,
        ModelTasks.Multiclass => MulticlassNames,
        _ => RegressionNames,
    };

    /// <summary>The metric a task is judged on when none is named: AUC, accuracy or RMSE.</summary>
    public static string Main(string task) => Names(task)[0];

    /// <summary>Whether a larger value of the metric is the better one.</summary>
    public static bool GreaterIsBetter(string metric) => !LowerIsBetter.Contains(metric);

    /// <summary>Evaluates predictions against labels given as text (the class labels, or numbers for a regression).</summary>
    public static Dictionary<string, double> Evaluate(string task, IReadOnlyList<string>? classes, IReadOnlyList<string?> labels, IReadOnlyList<double[]> predictions)
    {
        if (labels.Any(l => l is null))
        {
            throw GyreException.Invalid("label: the test data has rows without a label");
        }
        switch (task)
        {
            case ModelTasks.Regression:
                return Of(Metrics.Regression([.. labels.Select(l => double.Parse(l!, System.Globalization.CultureInfo.InvariantCulture))], [.. predictions.Select(p => p[0])]));
            case ModelTasks.Binary when classes is { Count: 2 }:
                return Of(Metrics.Binary([.. labels.Select(l => l == classes[1])], [.. predictions.Select(p => p.Length == 2 ? p[1] : p[0])]));
            case ModelTasks.Multiclass when classes is { Count: > 1 }:
                var index = classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
                var unknown = labels.FirstOrDefault(l => !index.ContainsKey(l!));
                return unknown is null
                    ? Of(Metrics.Multiclass([.. labels.Select(l => index[l!])], [.. predictions], classes.Count))
                    : throw GyreException.Invalid($"label: the test data has the class '{unknown}', which the model does not know ({string.Join(", ", classes)})");
            default:
                throw GyreException.Invalid($"package: a {task} model needs its class labels to be evaluated");
        }
    }

    public static Dictionary<string, double> Of(BinaryEvaluation b) => new()
    {
        ["auc"] = b.Auc,
        ["average_precision"] = b.AveragePrecision,
        ["log_loss"] = b.LogLoss,
        ["accuracy"] = b.Accuracy,
        ["precision"] = b.Precision,
        ["recall"] = b.Recall,
        ["f1"] = b.F1,
        ["brier"] = b.Brier,
    };

    public static Dictionary<string, double> Of(MulticlassEvaluation m) => new()
    {
        ["accuracy"] = m.Accuracy,
        ["macro_f1"] = m.MacroF1,
        ["micro_f1"] = m.MicroF1,
        ["log_loss"] = m.LogLoss,
    };

    public static Dictionary<string, double> Of(RegressionEvaluation r) => new()
    {
        ["rmse"] = r.Rmse,
        ["mae"] = r.Mae,
        ["r2"] = r.R2,
        ["mape"] = r.Mape,
    };
}
