using System.Text.Json;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Gateway;
using Gyre.Core.Serving.Log;
using Gyre.Core.Serving.Protocol;
using Gyre.Server.Auth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Gyre.Server.Inference;

/// <summary>
/// The simple JSON dialect: <c>POST /endpoints/{name}/predict</c> and <c>POST /endpoints/{name}/feedback</c>.
/// Predicting needs a read token (it changes no model); feedback needs write.
/// </summary>
internal static class PredictApi
{
    public const int MaxFeedbackItems = FeedbackLimits.MaxItems;

    public static void Map(IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/endpoints/{name}").WithTags("Inference");
        group.MapPost("/predict", Predict).WithMetadata(new RequiredScope(TokenScope.Read));
        group.MapPost("/feedback", Feedback);
    }

    private static Task Predict(string name, HttpContext context, InferenceGateway gateway, GatewayOptions options, GatewayMetrics metrics, TimeProvider time, CancellationToken ct) =>
        InferenceCall.AnswerAsync(name, null, context, gateway, options, metrics, time, Simple.Dialect, ct);

    /// <summary>
    /// <c>[{prediction_id, actual}]</c>: ground truth for logged predictions, whenever it arrives. The
    /// first report for an id is kept; repeats are counted, and ids this endpoint never logged are
    /// listed back and not stored.
    /// </summary>
    private static async Task<Ok<FeedbackResult>> Feedback(string name, HttpContext context, EndpointRouter router, IPredictionLog log, GatewayOptions options, CancellationToken ct)
    {
        router.Get(name);
        using var body = await JsonBody.ReadAsync(context, options.MaxBodyBytes, ct);
        var root = body.RootElement;
        if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
        {
            throw GyreException.Invalid("body: expected a non-empty array of {prediction_id, actual}");
        }
        if (root.GetArrayLength() > MaxFeedbackItems)
        {
            throw new GyreException(ErrorCode.PayloadTooLarge, $"body: {root.GetArrayLength()} items; a request takes at most {MaxFeedbackItems}");
        }
        var items = new List<Feedback>();
        var i = 0;
        foreach (var item in root.EnumerateArray())
        {
            var where = $"[{i++}]";
            if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("prediction_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() is not { Length: > 0 } text)
            {
                throw GyreException.Invalid($"{where}.prediction_id: expected the id a prediction answered with");
            }
            if (!item.TryGetProperty("actual", out var actual) || actual.ValueKind is not (JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False))
            {
                throw GyreException.Invalid($"{where}.actual: expected what really happened (a label, a class or a number)");
            }
            items.Add(new Feedback(text, actual.GetRawText()));
        }
        return TypedResults.Ok(await log.AddFeedbackAsync(name, items, FeedbackSource.Application, ct));
    }

    /// <summary><c>{instances}</c> in, <c>{predictions, prediction_ids, model, variant}</c> out.</summary>
    private sealed class Simple : IInferenceDialect
    {
        public static readonly Simple Dialect = new();

        public string Protocol => "simple";

        public IReadOnlyList<string> ObjectRows { get; } = ["instances"];

        public ParsedRequest Read(JsonElement body, IPredictor predictor, int maxRows) =>
            InstancesReader.Read(body, predictor.Inputs, predictor.Package.FeatureInput, maxRows);

        public void Write(HttpContext context, string endpoint, InferenceResult result, JsonElement body) => JsonAnswer.Write(context, json =>
        {
            json.WriteStartObject();
            PredictionsAnswer.Members(json, result);
            json.WriteString("model", result.Variant.Model);
            json.WriteString("variant", result.Variant.Variant.Name);
            json.WriteEndObject();
        });
    }
}
