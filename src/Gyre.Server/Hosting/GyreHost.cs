using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>The web host under Gyre: Kestrel on the listen addresses, and a log that says what matters.</summary>
internal static class GyreHost
{
    public static WebApplicationBuilder CreateBuilder(ServerOptions options, IReadOnlyList<string> urls, GrpcListen grpc)
    {
        // No watching of appsettings files (Gyre reads none): the watcher covers the whole working
        // folder, where the home (.gyre/) usually is, and every write to the prediction log would
        // wake it.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.WebHost.UseUrls([.. urls, .. grpc.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes;
            // Without TLS there is no negotiating the protocol: the gRPC ports speak HTTP/2 only, the others HTTP/1.1.
            kestrel.ConfigureEndpointDefaults(listen =>
            {
                if (grpc.Ports.Contains(listen.IPEndPoint?.Port ?? -1))
                {
                    listen.Protocols = HttpProtocols.Http2;
                }
            });
        });
        builder.Logging.SetMinimumLevel(options.Quiet ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The hosting layer's request log (start and finish, Information) is never shown; left enabled
        // at any level it opens a log scope and an Activity for every request. Failures are logged by
        // Kestrel and by ErrorMiddleware, not here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The antiforgery keys in the home are as safe as the home itself; there is no key vault to wrap them with.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        return builder;
    }
}
