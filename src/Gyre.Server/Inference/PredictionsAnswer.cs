using System.Text.Json;
using Gyre.Core.Serving.Gateway;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference;

/// <summary>
/// <c>{"predictions": […], "prediction_ids": […]}</c>: the answer of KServe V1 and of MLflow's
/// scoring format. Each prediction is the native route's (a regression's number, a classifier's
/// <c>{label, probability}</c>); the ids, which clients of those protocols ignore, are what feedback
/// refers to.
/// </summary>
internal static class PredictionsAnswer
{
    public static void Write(HttpContext context, InferenceResult result) => JsonAnswer.Write(context, json =>
    {
        json.WriteStartObject();
        Members(json, result);
        json.WriteEndObject();
    });

    /// <summary>The <c>predictions</c> and <c>prediction_ids</c> members, which the native route's answer has too.</summary>
    public static void Members(Utf8JsonWriter json, InferenceResult result)
    {
        json.WriteStartArray("predictions");
        foreach (var prediction in result.PredictionJson)
        {
            json.WriteRawValue(prediction, skipInputValidation: true);
        }
        json.WriteEndArray();
        json.WriteStartArray("prediction_ids");
        foreach (var id in result.PredictionIds)
        {
            json.WriteStringValue(id);
        }
        json.WriteEndArray();
    }
}
