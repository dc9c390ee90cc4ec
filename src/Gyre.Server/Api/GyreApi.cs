using Gyre.Core.Coordination;
using Gyre.Server.Auth;
using Gyre.Server.Dashboard;
using Gyre.Server.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Gyre.Server.Api;

/// <summary>
/// Every route the server answers: metrics and health on every replica; the inference dialects on a
/// gateway; the REST API, OpenAPI and the dashboard on an api replica.
/// </summary>
internal static class GyreApi
{
    public static WebApplication MapGyreApi(this WebApplication app, ReplicaOptions replica)
    {
        // Every replica answers health and metrics; the rest by role.
        app.Services.GetRequiredService<ReplicaMetrics>();
        app.Services.GetRequiredService<FeatureMetrics>();
        app.Services.GetRequiredService<LabelMetrics>();
        app.MapMetrics("/metrics", app.Services.GetRequiredService<GatewayMetrics>().Registry).WithMetadata(new Anonymous());
        HealthApi.Map(app);
        if (replica.Has(ReplicaRoles.Gateway))
        {
            PredictApi.Map(app);
            OipApi.Map(app);
            KServeV1Api.Map(app);
            MlflowScoringApi.Map(app);
            Inference.Grpc.GrpcServices.Map(app);
        }
        if (replica.Has(ReplicaRoles.Api))
        {
            EndpointsApi.Map(app);
            RolloutsApi.Map(app);
            app.MapOpenApi("/openapi/{documentName}.json").WithMetadata(new Anonymous());
            ExperimentsApi.Map(app);
            RunsApi.Map(app);
            RunArtifactsApi.Map(app);
            ModelsApi.Map(app);
            ModelVersionsApi.Map(app);
            TrainingsApi.Map(app);
            TokensApi.Map(app);
            DatasetsApi.Map(app);
            FeatureGroupsApi.Map(app);
            LabelQueuesApi.Map(app);
            PipelinesApi.Map(app);
            LineageApi.Map(app);
            DriftApi.Map(app);
            MonitorApi.Map(app);
            PoliciesApi.Map(app);
            app.MapGyreDashboard();
        }
        return app;
    }
}
