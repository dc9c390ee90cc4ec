using Gyre.Core.Errors;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// The outputs an Open Inference Protocol answer carries for a model: the model's output (FP64,
/// <c>[batch, k]</c>), <c>label</c> (BYTES) for a classifier, and <c>prediction_id</c> (BYTES),
/// which feedback refers to. A request's <c>outputs</c> list picks among them.
/// </summary>
public static class OipOutputs
{
    public const string Label = "label";
    public const string PredictionId = "prediction_id";

    public static IReadOnlyList<string> Names(ModelPackage package) => package.Task is ModelTasks.Binary or ModelTasks.Multiclass
        ? [package.Output, Label, PredictionId]
        : [package.Output, PredictionId];

    /// <summary>Refuses a requested output the model does not give, naming it and the ones it gives.</summary>
    public static void Check(IReadOnlyList<string>? requested, ModelPackage package)
    {
        if (requested is null)
        {
            return;
        }
        var names = Names(package);
        for (var i = 0; i < requested.Count; i++)
        {
            if (!names.Contains(requested[i]))
            {
                throw GyreException.Invalid($"outputs[{ValueReader.Index(i)}].name: '{requested[i]}' is not an output of this model; expected one of {string.Join(", ", names)}");
            }
        }
    }

    /// <summary>The outputs that go into the answer, in <see cref="Names"/>' order: all of them, or those the request asked for.</summary>
    public static IEnumerable<string> Chosen(IReadOnlyList<string>? requested, ModelPackage package) =>
        Names(package).Where(name => requested is null || requested.Contains(name));

    /// <summary>The width of the model's output tensor (its second dimension; 1 when it has none).</summary>
    public static long Width(ModelPackage package) =>
        package.Signature.Outputs.FirstOrDefault(o => o.Name == package.Output) is { Shape.Count: 2 } output ? output.Shape[1] : 1;
}
