using Gyre.Server.Auth;
using Gyre.Server.Dashboard;
using Gyre.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Gyre.Server.Api;

/// <summary>Every route the server answers: metrics, the inference dialects, the REST API, OpenAPI, health and the dashboard.</summary>
internal static class GyreApi
{
    public static WebApplication MapGyreApi(this WebApplication app)
    {
        app.MapMetrics("/metrics", app.Services.GetRequiredService<GatewayMetrics>().Registry).WithMetadata(new Anonymous());
        EndpointsApi.Map(app);
        RolloutsApi.Map(app);
        PredictApi.Map(app);
        OipApi.Map(app);
        app.MapOpenApi("/openapi/{documentName}.json").WithMetadata(new Anonymous());
        HealthApi.Map(app);
        ExperimentsApi.Map(app);
        RunsApi.Map(app);
        RunArtifactsApi.Map(app);
        ModelsApi.Map(app);
        ModelVersionsApi.Map(app);
        TrainingsApi.Map(app);
        TokensApi.Map(app);
        DatasetsApi.Map(app);
        PipelinesApi.Map(app);
        LineageApi.Map(app);
        DriftApi.Map(app);
        MonitorApi.Map(app);
        PoliciesApi.Map(app);
        app.MapGyreDashboard();
        return app;
    }
}
