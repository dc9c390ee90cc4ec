using Gyre.Core.Data;
using Gyre.Core.Data.Schemas;
using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Learning.Training;

/// <summary>
/// Checks a training request against the dataset version before any data moves (ML.NET's habit):
/// the task, trainer and hyperparameters, the label, and the features (by default every feature
/// column that a trainer can use). Every problem is reported at once, each naming its field.
/// </summary>
public static class TrainingPlan
{
    public static (string Task, string Trainer, string Label, IReadOnlyList<TrainingColumn> Features) Check(TrainingRequest request, DatasetVersion version)
    {
        var problems = new List<string>();
        var task = request.Task?.ToLowerInvariant();
        if (task is null || !ModelTasks.All.Contains(task))
        {
            problems.Add($"task: expected one of {string.Join(", ", ModelTasks.All)}, got {(request.Task is null ? "nothing" : $"'{request.Task}'")}");
        }
        var trainer = request.Trainer?.ToLowerInvariant() ?? Trainers.LightGbm;
        if (!Trainers.All.Contains(trainer))
        {
            problems.Add($"trainer: expected one of {string.Join(", ", Trainers.All)}, got '{request.Trainer}'");
        }
        else
        {
            var allowed = Trainers.Hyperparameters[trainer];
            foreach (var (name, value) in request.Hyperparameters ?? new Dictionary<string, double>())
            {
                if (!allowed.Contains(name))
                {
                    problems.Add($"hyperparameters.{name}: not a hyperparameter of {trainer}; it takes {string.Join(", ", allowed)}");
                }
                else if (!(value > 0) || !double.IsFinite(value))
                {
                    problems.Add($"hyperparameters.{name}: expected a positive number, got {value}");
                }
            }
        }
        var columns = version.Columns;
        string Describe() => $"{version.Name}@{version.Version}; its columns are {string.Join(", ", columns.Select(c => c.Name))}";
        var labelName = request.Label ?? columns.FirstOrDefault(c => c.Role == ColumnRole.Label)?.Name;
        var label = labelName is null ? null : columns.FirstOrDefault(c => string.Equals(c.Name, labelName, StringComparison.OrdinalIgnoreCase));
        if (labelName is null)
        {
            problems.Add($"label: expected a column name (no column has the role label in {version.Name}@{version.Version})");
        }
        else if (label is null)
        {
            problems.Add($"label: column '{labelName}' does not exist in {Describe()}");
        }
        else if (task == ModelTasks.Regression && label.Type is not (ColumnType.Integer or ColumnType.Float))
        {
            problems.Add($"label: a regression needs a numeric label; '{label.Name}' is {SchemaRules.Wire(label.Type)}");
        }
        else if (task is ModelTasks.Binary or ModelTasks.Multiclass && label.Type is ColumnType.Float or ColumnType.Text or ColumnType.Datetime)
        {
            problems.Add($"label: a {task} task needs a label of classes (boolean, categorical or integer); '{label.Name}' is {SchemaRules.Wire(label.Type)}");
        }

        var features = new List<TrainingColumn>();
        if (request.Features is { } named)
        {
            foreach (var name in named)
            {
                var column = columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                if (column is null)
                {
                    problems.Add($"features: column '{name}' does not exist in {Describe()}");
                }
                else if (column == label)
                {
                    problems.Add($"features: '{column.Name}' is the label");
                }
                else if (!Usable(column))
                {
                    problems.Add($"features: '{column.Name}' is {SchemaRules.Wire(column.Type)}, which trainers cannot use; expected numeric, boolean or categorical columns");
                }
                else
                {
                    features.Add(Feature(column));
                }
            }
        }
        else
        {
            features.AddRange(columns.Where(c => c.Role == ColumnRole.Feature && c != label && Usable(c)).Select(Feature));
        }
        if (features.Count == 0 && problems.Count == 0)
        {
            problems.Add($"features: {version.Name}@{version.Version} has no column a trainer can use besides the label (numeric, boolean or categorical, with the feature role)");
        }
        GyreException.ThrowIfAny(problems);
        return (task!, trainer, label!.Name, features);
    }

    private static bool Usable(ColumnSchema column) => column.Type is not (ColumnType.Text or ColumnType.Datetime);

    private static TrainingColumn Feature(ColumnSchema column) =>
        new(column.Name, column.Type is ColumnType.Categorical or ColumnType.Boolean);
}
