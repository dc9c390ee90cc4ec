using Gyre.Core.Errors;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Gyre.Server.Inference.Grpc;

/// <summary>Gyre's error codes as gRPC status codes, and a gRPC error written by middleware, before a call reaches its service.</summary>
internal static class GrpcStatuses
{
    public static StatusCode Of(ErrorCode code) => code switch
    {
        ErrorCode.InvalidArgument or ErrorCode.UnsupportedMediaType => StatusCode.InvalidArgument,
        ErrorCode.NotFound => StatusCode.NotFound,
        ErrorCode.AlreadyExists => StatusCode.AlreadyExists,
        ErrorCode.Conflict => StatusCode.FailedPrecondition,
        ErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        ErrorCode.PermissionDenied => StatusCode.PermissionDenied,
        ErrorCode.PayloadTooLarge => StatusCode.ResourceExhausted,
        ErrorCode.MethodNotAllowed or ErrorCode.NotImplemented => StatusCode.Unimplemented,
        ErrorCode.Unavailable => StatusCode.Unavailable,
        ErrorCode.DataLoss => StatusCode.DataLoss,
        _ => StatusCode.Internal,
    };

    public static bool IsGrpc(HttpRequest request) =>
        request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A gRPC error as a trailers-only response: HTTP 200 with the status in the headers, which every
    /// gRPC client reads as the call's status (an HTTP 401 would reach the caller only as a guess).
    /// </summary>
    public static void WriteTrailersOnly(HttpContext context, StatusCode status, string message)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(message);
    }
}
