using Gyre.Core.Diagnostics;
using Gyre.Core.Errors;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Inference.Grpc;

/// <summary>
/// The gRPC side of <see cref="Http.ErrorMiddleware"/>: a Gyre error becomes its gRPC status with
/// the same message; anything else is a logged INTERNAL without internals.
/// </summary>
internal sealed class GyreErrorInterceptor(ILogger<GyreErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (GyreException e)
        {
            if (e.Code is ErrorCode.Internal or ErrorCode.DataLoss)
            {
                GyreLog.Unhandled(logger, e, "gRPC", context.Method);
            }
            throw new RpcException(new Status(GrpcStatuses.Of(e.Code), e.Message));
        }
        catch (Exception e) when (e is not RpcException and not OperationCanceledException)
        {
            GyreLog.Unhandled(logger, e, "gRPC", context.Method);
            throw new RpcException(new Status(StatusCode.Internal, "internal error: see the server log"));
        }
    }
}
