using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Gyre.Core.Models;

namespace Gyre.Core.Serving.Protocol;

/// <summary>
/// How a prediction is answered in the simple dialect (and logged): a regression's value as a
/// number; a classifier's <c>{"label", "probability"}</c> (binary) or <c>{"label", "probabilities":
/// {class: p}}</c> (multiclass) — <c>score</c>/<c>scores</c> when the model gives raw scores; an
/// imported model without a task, its output row as an array. A number the model gave as NaN or an
/// infinity is written as null.
/// </summary>
public static class PredictionFormat
{
    public static string Json(ModelPackage package, double[] prediction)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, package, prediction);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The predicted class (null for a regression or an unknown task).</summary>
    public static string? Label(ModelPackage package, double[] prediction)
    {
        switch (package.Task)
        {
            case ModelTasks.Binary:
                var positive = Positive(package, prediction) >= (package.OutputMeaning == ModelTasks.Score ? 0 : 0.5);
                return package.Classes is { Count: 2 } classes ? classes[positive ? 1 : 0] : positive ? "true" : "false";
            case ModelTasks.Multiclass:
                var best = 0;
                for (var k = 1; k < prediction.Length; k++)
                {
                    best = prediction[k] > prediction[best] ? k : best;
                }
                return ClassName(package, best);
            default:
                return null;
        }
    }

    private static void Write(Utf8JsonWriter json, ModelPackage package, double[] prediction)
    {
        var scores = package.OutputMeaning == ModelTasks.Score;
        switch (package.Task)
        {
            case ModelTasks.Regression:
                Number(json, prediction[0]);
                break;
            case ModelTasks.Binary:
                json.WriteStartObject();
                json.WriteString("label", Label(package, prediction));
                json.WritePropertyName(scores ? "score" : "probability");
                Number(json, Positive(package, prediction));
                json.WriteEndObject();
                break;
            case ModelTasks.Multiclass:
                json.WriteStartObject();
                json.WriteString("label", Label(package, prediction));
                json.WriteStartObject(scores ? "scores" : "probabilities");
                for (var k = 0; k < prediction.Length; k++)
                {
                    json.WritePropertyName(ClassName(package, k));
                    Number(json, prediction[k]);
                }
                json.WriteEndObject();
                json.WriteEndObject();
                break;
            default:
                json.WriteStartArray();
                foreach (var value in prediction)
                {
                    Number(json, value);
                }
                json.WriteEndArray();
                break;
        }
    }

    /// <summary>A model's number, or null where the model gave NaN or an infinity, which JSON cannot write.</summary>
    public static void Number(Utf8JsonWriter json, double value)
    {
        if (double.IsFinite(value))
        {
            json.WriteNumberValue(value);
        }
        else
        {
            json.WriteNullValue();
        }
    }

    /// <summary>The positive class's probability or score: the only value, or the second of two.</summary>
    private static double Positive(ModelPackage package, double[] prediction) => prediction.Length == 2 ? prediction[1] : prediction[0];

    private static string ClassName(ModelPackage package, int k) =>
        package.Classes is { } classes && k < classes.Count ? classes[k] : k.ToString(CultureInfo.InvariantCulture);
}
