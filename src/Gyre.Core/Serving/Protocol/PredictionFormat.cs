using System.Buffers;
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
                json.WriteString("label", PredictedClass.Of(package, prediction));
                json.WritePropertyName(scores ? "score" : "probability");
                Number(json, PredictedClass.Positive(prediction));
                json.WriteEndObject();
                break;
            case ModelTasks.Multiclass:
                json.WriteStartObject();
                json.WriteString("label", PredictedClass.Of(package, prediction));
                json.WriteStartObject(scores ? "scores" : "probabilities");
                for (var k = 0; k < prediction.Length; k++)
                {
                    json.WritePropertyName(PredictedClass.Name(package, k));
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
}
