using Gyre.Core.Errors;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Gyre.Server.Http;

/// <summary>Turns Gyre errors into RFC 9457 problem details with a stable <c>code</c> extension.</summary>
internal static class Problems
{
    /// <summary>How long a client should wait before retrying a 503: storage that is busy, full or away, or a server that is stopping.</summary>
    public const string RetryAfterSeconds = "5";

    public static ProblemDetails From(ErrorCode code, string detail, IReadOnlyList<string>? errors = null)
    {
        var problem = new ProblemDetails
        {
            Type = $"https://gyre.dev/errors/{code.WireName()}",
            Title = Title(code),
            Status = code.HttpStatus(),
            Detail = detail,
        };
        problem.Extensions["code"] = code.WireName();
        if (errors is { Count: > 1 })
        {
            problem.Extensions["errors"] = errors;
        }
        return problem;
    }

    /// <summary>
    /// Answers an error in the shape the route's protocol gives errors: problem details on Gyre's own
    /// routes, a gRPC status for a gRPC call, <c>{"error"}</c> for the Open Inference Protocol and
    /// KServe V1, <c>{"error_code", "message"}</c> for MLflow's scoring format.
    /// </summary>
    public static Task WriteAsync(HttpContext context, ErrorCode code, string detail, IReadOnlyList<string>? errors = null, int? status = null)
    {
        if (ForeignErrors.WriteAsync(context, code, detail, status) is { } foreign)
        {
            return foreign;
        }
        var problem = From(code, detail, errors);
        problem.Status = status ?? problem.Status;
        problem.Instance = context.Request.Path;
        context.Response.StatusCode = problem.Status!.Value;
        if (code == ErrorCode.Unavailable)
        {
            context.Response.Headers.RetryAfter = RetryAfterSeconds;
        }
        return context.Response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }

    private static string Title(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument => "Invalid argument",
        ErrorCode.NotFound => "Not found",
        ErrorCode.AlreadyExists => "Already exists",
        ErrorCode.Conflict => "Conflict",
        ErrorCode.Unauthenticated => "Unauthenticated",
        ErrorCode.PermissionDenied => "Permission denied",
        ErrorCode.PayloadTooLarge => "Payload too large",
        ErrorCode.UnsupportedMediaType => "Unsupported media type",
        ErrorCode.MethodNotAllowed => "Method not allowed",
        ErrorCode.Unavailable => "Unavailable",
        ErrorCode.DataLoss => "Data loss",
        _ => "Internal error",
    };
}
