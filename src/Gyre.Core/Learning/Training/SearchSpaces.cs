namespace Gyre.Core.Learning.Training;

/// <summary>
/// Where random search draws each trainer's hyperparameters: log-uniform over the ranges that
/// practitioners search (integers rounded). A hyperparameter the request fixes is not searched.
/// </summary>
public static class SearchSpaces
{
    private static readonly Dictionary<string, (double Low, double High, bool Integer)> Ranges = new()
    {
        ["num_leaves"] = (4, 128, true),
        ["min_data_per_leaf"] = (1, 100, true),
        ["learning_rate"] = (0.01, 0.3, false),
        ["num_iterations"] = (50, 500, true),
        ["num_trees"] = (50, 500, true),
        ["l2_regularization"] = (1e-6, 1, false),
        ["l1_regularization"] = (1e-6, 1, false),
        ["max_iterations"] = (10, 1000, true),
    };

    public static Dictionary<string, double> Draw(string trainer, IReadOnlyDictionary<string, double> fixedValues, Random random)
    {
        var drawn = new Dictionary<string, double>(fixedValues);
        foreach (var name in Trainers.Hyperparameters[trainer].Where(n => !fixedValues.ContainsKey(n)))
        {
            var (low, high, integer) = Ranges[name];
            var value = Math.Exp(Math.Log(low) + (random.NextDouble() * (Math.Log(high) - Math.Log(low))));
            drawn[name] = integer ? Math.Round(value) : value;
        }
        return drawn;
    }
}
