using Gyre.Server.Hosting;

namespace Gyre.Server.Tests.Serving.Protocols;

/// <summary>The options of a server that speaks every protocol: the gRPC port on, and MLflow's bare <c>/invocations</c> behind an endpoint name.</summary>
internal static class ProtocolServer
{
    /// <summary>The endpoint that <c>POST /invocations</c> scores; a test creates it under this name.</summary>
    public const string InvocationsEndpoint = "invocations-target";

    public static ServerOptions Configure(ServerOptions options) =>
        options with { GrpcUrls = "http://127.0.0.1:0", Gateway = options.Gateway with { InvocationsEndpoint = InvocationsEndpoint } };
}

public sealed class ProtocolServerFixture : ServerFixture
{
    protected override ServerOptions Configure(ServerOptions options) => ProtocolServer.Configure(options);
}

public sealed class PostgresProtocolServerFixture : PostgresServerFixture
{
    protected override ServerOptions Configure(ServerOptions options) => ProtocolServer.Configure(options);
}
