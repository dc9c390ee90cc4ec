using System.Text.Json;
using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Http;

/// <summary>
/// The one place where exceptions become responses: Gyre errors keep their code, unreadable or
/// oversized bodies become 400 / 413, and anything else is a logged 500 without internals.
/// </summary>
internal sealed class ErrorMiddleware(RequestDelegate next, ILogger<ErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var (code, detail, errors) = Describe(exception);
            if (code is ErrorCode.Internal or ErrorCode.DataLoss)
            {
                GyreLog.Unhandled(logger, exception, context.Request.Method, context.Request.Path);
            }
            else if (code == ErrorCode.Unavailable && (exception.InnerException ?? (exception is GyreException ? null : exception)) is { } cause)
            {
                // The caller is told what to do (retry); the log keeps what happened, paths and all.
                GyreLog.Unavailable(logger, cause, context.Request.Method, context.Request.Path, detail);
            }
            context.Response.Clear();
            await Problems.WriteAsync(context, code, detail, errors);
        }
    }

    private static (ErrorCode Code, string Detail, IReadOnlyList<string>? Errors) Describe(Exception exception) => exception switch
    {
        GyreException gyre => (gyre.Code, gyre.Message, gyre.Errors),
        IOException io when IoErrors.IsDiskFull(io) => (ErrorCode.Unavailable, "the server's disk is full; retry later", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
            (ErrorCode.PayloadTooLarge, "body: the request body is larger than the server's limit", null),
        BadHttpRequestException { StatusCode: StatusCodes.Status415UnsupportedMediaType } =>
            (ErrorCode.UnsupportedMediaType, "body: expected Content-Type: application/json", null),
        BadHttpRequestException { InnerException: JsonException json } => (ErrorCode.InvalidArgument, DescribeJson(json), null),
        BadHttpRequestException bad when bad.Message.Contains("no body was provided", StringComparison.Ordinal) =>
            (ErrorCode.InvalidArgument, "body: expected a JSON object", null),
        BadHttpRequestException bad => (ErrorCode.InvalidArgument, bad.Message, null),
        JsonException json => (ErrorCode.InvalidArgument, DescribeJson(json), null),
        _ => (ErrorCode.Internal, "internal error: see the server log", null),
    };

    /// <summary>Names the field by its JSON path ("$.metrics[3].value") and says what was wrong.</summary>
    private static string DescribeJson(JsonException json)
    {
        var path = string.IsNullOrEmpty(json.Path) ? "body" : json.Path;
        var reason = json.InnerException?.Message ?? json.Message;
        if (reason.Contains("could not be converted", StringComparison.Ordinal) || reason.StartsWith("The JSON value", StringComparison.Ordinal))
        {
            reason = "the value has the wrong type";
        }
        return $"{path}: invalid JSON ({reason})";
    }
}
