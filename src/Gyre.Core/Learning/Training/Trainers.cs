namespace Gyre.Core.Learning.Training;

/// <summary>The trainers Gyre runs, and the hyperparameters each takes (with ML.NET's defaults when not given).</summary>
public static class Trainers
{
    public const string LightGbm = "lightgbm";
    public const string FastTree = "fasttree";
    public const string Linear = "linear";

    public static IReadOnlyList<string> All { get; } = [LightGbm, FastTree, Linear];

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Hyperparameters { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [LightGbm] = ["num_leaves", "min_data_per_leaf", "learning_rate", "num_iterations"],
        [FastTree] = ["num_leaves", "min_data_per_leaf", "learning_rate", "num_trees"],
        [Linear] = ["l2_regularization", "l1_regularization", "max_iterations"],
    };
}
