using Gyre.Core.Auth;
using Gyre.Core.Serving.Gateway;
using Gyre.Server.Auth;
using Gyre.Server.Hosting;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Gyre.Server.Inference.Grpc;

/// <summary>The gRPC service's wiring: Gyre's errors as gRPC statuses, the gateway's body limit as the message limit, and the same token scopes as REST.</summary>
internal static class GrpcServices
{
    public static IServiceCollection AddGyreGrpc(this IServiceCollection services, GrpcListen listen, GatewayOptions gateway)
    {
        services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<GyreErrorInterceptor>();
            grpc.MaxReceiveMessageSize = (int)Math.Min(gateway.MaxBodyBytes, int.MaxValue);
            grpc.MaxSendMessageSize = null;
            grpc.EnableDetailedErrors = false;
        });
        return services.AddSingleton(listen);
    }

    /// <summary>Every method needs a read token, as the REST inference routes do; the health checks need none, as <c>/v2/health/*</c>.</summary>
    public static void Map(IEndpointRouteBuilder routes) =>
        routes.MapGrpcService<OipGrpcService>().Add(endpoint =>
        {
            var method = endpoint.Metadata.OfType<GrpcMethodMetadata>().FirstOrDefault()?.Method.Name;
            endpoint.Metadata.Add(method is "ServerLive" or "ServerReady" ? new Anonymous() : new RequiredScope(TokenScope.Read));
        });
}
