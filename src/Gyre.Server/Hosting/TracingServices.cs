using Gyre.Core.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Gyre.Server.Hosting;

/// <summary>
/// Traces to an OpenTelemetry collector, switched on by OpenTelemetry's own variables: with
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (or <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>) set, the HTTP
/// server's spans (OpenTelemetry's HTTP conventions) and Gyre's own (<see cref="GyreTracing"/>) go
/// out over OTLP; <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_SERVICE_NAME</c>,
/// <c>OTEL_RESOURCE_ATTRIBUTES</c>, <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c>
/// work as everywhere else. Without them nothing listens to Gyre's spans, and none is made.
/// Health, readiness and metrics scrapes are left out: they would be most of the spans and say nothing.
/// </summary>
internal static class TracingServices
{
    public static bool Enabled =>
        Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") is { Length: > 0 };

    public static IServiceCollection AddGyreTracing(this IServiceCollection services)
    {
        if (!Enabled)
        {
            return services;
        }
        services.AddOpenTelemetry()
            // "gyre" unless OTEL_SERVICE_NAME names the service (AddService would override the variable).
            .ConfigureResource(resource => resource.AddService(
                Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") is { Length: > 0 } named ? named : "gyre",
                serviceVersion: typeof(TracingServices).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddSource(GyreTracing.SourceName)
                .AddAspNetCoreInstrumentation(http => http.Filter = context => !Unremarkable(context.Request.Path))
                .AddOtlpExporter());
        return services;
    }

    private static bool Unremarkable(PathString path) =>
        path.StartsWithSegments("/healthz") || path.StartsWithSegments("/readyz") || path.StartsWithSegments("/metrics");
}
