using Gyre.Core.Errors;
using Gyre.Server.Inference;
using Gyre.Server.Inference.Grpc;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Http;

/// <summary>
/// Errors on the routes of protocols Gyre speaks but did not define, in those protocols' shapes, so
/// that their clients read the message: a gRPC call gets a gRPC status (trailers only); the Open
/// Inference Protocol and KServe V1, <c>{"error": message}</c>; MLflow's scoring format,
/// <c>{"error_code", "message"}</c>. The HTTP status is the same as on Gyre's own routes.
/// </summary>
internal static class ForeignErrors
{
    /// <summary>The error written for the request's protocol; null on Gyre's own routes.</summary>
    public static Task? WriteAsync(HttpContext context, ErrorCode code, string detail, int? status)
    {
        var request = context.Request;
        if (GrpcStatuses.IsGrpc(request))
        {
            GrpcStatuses.WriteTrailersOnly(context, GrpcStatuses.Of(code), detail);
            return Task.CompletedTask;
        }
        var path = request.Path;
        if (OipApi.Owns(path) || KServeV1Api.Owns(path))
        {
            return Json(context, code, status, new ErrorBody(detail));
        }
        if (MlflowScoringApi.Owns(path))
        {
            return Json(context, code, status, new MlflowErrorBody(MlflowScoringApi.ErrorCodeOf(code), detail));
        }
        return null;
    }

    private static Task Json<T>(HttpContext context, ErrorCode code, int? status, T body)
    {
        context.Response.StatusCode = status ?? code.HttpStatus();
        if (code == ErrorCode.Unavailable)
        {
            context.Response.Headers.RetryAfter = Problems.RetryAfterSeconds;
        }
        return context.Response.WriteAsJsonAsync(body, options: null, contentType: "application/json");
    }

    internal sealed record ErrorBody(string Error);

    internal sealed record MlflowErrorBody(string ErrorCode, string Message);
}
