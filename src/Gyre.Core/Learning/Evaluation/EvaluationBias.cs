using Gyre.Core.Data.Bias;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Gate;
using Gyre.Core.Models;

namespace Gyre.Core.Learning.Evaluation;

/// <summary>
/// A binary model's post-training bias on its test part by one column with role <c>sensitive</c>,
/// for its positive class as the favourable outcome; or, where the test part cannot show it (one
/// group, too many), <c>Missing</c> saying why.
/// </summary>
public sealed record EvaluationBias(string Sensitive, BiasReport? Report, string? Missing = null)
{
    /// <summary>The bias of the trainer's test predictions by <paramref name="column"/>; its exported labels ("true", "false") read as the package's classes.</summary>
    public static EvaluationBias Of(ModelPackage package, string data, string label, string column, IReadOnlyList<string?> groups, IReadOnlyList<string?> labels,
        IReadOnlyList<double[]> predictions)
    {
        var classes = package.Classes is { Count: 2 } named ? named : ["false", "true"];
        try
        {
            return new EvaluationBias(column, GateBias.Report(data, column, label, new BiasBounds(column), package, groups,
                [.. labels.Select(l => l is null ? null : classes[l == "true" ? 1 : 0])], predictions));
        }
        catch (GyreException e) when (e.Code == ErrorCode.InvalidArgument)
        {
            // One group in the test part, or too many: the training stands, and says why there is no bias.
            return new EvaluationBias(column, null, e.Message);
        }
    }
}
