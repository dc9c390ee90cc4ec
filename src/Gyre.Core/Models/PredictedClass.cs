using System.Globalization;

namespace Gyre.Core.Models;

/// <summary>
/// What a classifier's output row answers: a binary model's positive score (the only value, or the
/// second of two) against its threshold (0 for raw scores, 0.5 for probabilities), a multiclass
/// model's likeliest class; named by the package's classes.
/// </summary>
public static class PredictedClass
{
    /// <summary>The predicted class (null for a regression or an unknown task).</summary>
    public static string? Of(ModelPackage package, double[] prediction)
    {
        switch (package.Task)
        {
            case ModelTasks.Binary:
                var positive = Positive(prediction) >= Threshold(package);
                return package.Classes is { Count: 2 } classes ? classes[positive ? 1 : 0] : positive ? "true" : "false";
            case ModelTasks.Multiclass:
                var best = 0;
                for (var k = 1; k < prediction.Length; k++)
                {
                    best = prediction[k] > prediction[best] ? k : best;
                }
                return Name(package, best);
            default:
                return null;
        }
    }

    /// <summary>A binary model's positive class (its second class, or <c>true</c>).</summary>
    public static string PositiveClass(ModelPackage package) => package.Classes is { Count: 2 } classes ? classes[1] : "true";

    /// <summary>The positive class's probability or score: the only value, or the second of two.</summary>
    public static double Positive(double[] prediction) => prediction.Length == 2 ? prediction[1] : prediction[0];

    /// <summary>The score at or above which a binary model answers its positive class.</summary>
    public static double Threshold(ModelPackage package) => package.OutputMeaning == ModelTasks.Score ? 0 : 0.5;

    /// <summary>A class's name: the package's, or its index.</summary>
    public static string Name(ModelPackage package, int k) =>
        package.Classes is { } classes && k < classes.Count ? classes[k] : k.ToString(CultureInfo.InvariantCulture);
}
