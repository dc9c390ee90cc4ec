namespace Gyre.Core.Models;

/// <summary>The tasks a model can do, and what its output means.</summary>
public static class ModelTasks
{
    public const string Binary = "binary";
    public const string Multiclass = "multiclass";
    public const string Regression = "regression";

    public static IReadOnlyList<string> All { get; } = [Binary, Multiclass, Regression];

    /// <summary>A binary model's probability of the positive class (one value per row).</summary>
    public const string Probability = "probability";

    /// <summary>One probability per class (a row sums to 1).</summary>
    public const string Probabilities = "probabilities";

    /// <summary>A raw score: a logit, a margin, or an unnormalised value per class.</summary>
    public const string Score = "score";

    /// <summary>A regression's predicted value.</summary>
    public const string Value = "value";

    public static IReadOnlyList<string> OutputMeanings { get; } = [Probability, Probabilities, Score, Value];
}
