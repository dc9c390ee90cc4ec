using Gyre.Core.Artifacts;
using Gyre.Core.Auth;
using Gyre.Core.Data;
using Gyre.Core.Errors;
using Gyre.Core.Json;
using Gyre.Core.Registry;
using Gyre.Core.Tracking;
using Gyre.Server.Api;
using Gyre.Server.Auth;
using Gyre.Server.Dashboard;
using Gyre.Server.Http;
using Gyre.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Gyre.Server.Hosting;

/// <summary>Builds the <c>gyre server</c> web application: stores, middleware and every API group.</summary>
public static class GyreServer
{
    /// <summary>
    /// Opens the home, migrates it, checks that the listen addresses are safe for the auth
    /// settings, and returns an application ready to start. Throws <see cref="GyreException"/>
    /// with a readable message when it must refuse to start.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(ServerOptions options, TimeProvider? time = null, CancellationToken ct = default)
    {
        var urls = ListenAddresses.Split(options.Urls);
        var forwarded = TrustedProxies.Options(options.TrustedProxies);
        GyreException.ThrowIfAny(options.Webhooks.Problems());
        var destinations = Core.Monitoring.Webhooks.WebhookDestinations.Parse(options.Webhooks.Allow);
        ListenAddresses.CheckFree(urls);
        var exposed = urls.Where(u => !ListenAddresses.IsLoopback(u)).ToList();
        var storage = await GyreStorage.OpenAsync(GyreHome.Resolve(options.Home), time, ct: ct);
        // Behind a trusted proxy the callers are other machines, even on a loopback address.
        if (exposed.Count > 0 || options.RequireAuth || forwarded is not null)
        {
            options = options with { RequireAuth = true };
            if (await storage.Tokens.CountActiveTokensAsync(ct) == 0)
            {
                storage.Dispose();
                var where = exposed.Count > 0 ? $"listen on {string.Join(", ", exposed)} (not loopback)"
                    : forwarded is not null ? "serve behind a proxy (--trusted-proxy)" : "require authentication";
                throw new GyreException(ErrorCode.InvalidArgument,
                    $"refusing to {where} without an API token: create one with `gyre tokens create --name NAME --scope admin --home {storage.Home.Root}`");
            }
        }

        // No watching of appsettings files (Gyre reads none): the watcher covers the whole working
        // folder, where the home (.gyre/) usually is, and every write to the prediction log would
        // wake it.
        var builder = WebApplication.CreateSlimBuilder(["--hostBuilder:reloadConfigOnChange=false"]);
        builder.WebHost.UseUrls([.. urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxJsonBodyBytes;
        });
        builder.Logging.SetMinimumLevel(options.Quiet ? LogLevel.Warning : LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The hosting layer's request log (start and finish, Information) is never shown; left enabled
        // at any level it opens a log scope and an Activity for every request. Failures are logged by
        // Kestrel and by ErrorMiddleware, not here.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        // The antiforgery keys in the home are as safe as the home itself; there is no key vault to wrap them with.
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        AddServices(builder.Services, options, storage, destinations, time ?? TimeProvider.System);

        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(storage.Dispose);
        // Before any request: an interval cut by the restart goes on filling where it stopped.
        try
        {
            await app.Services.GetRequiredService<Core.Serving.Gateway.TrafficHistory>().RestoreAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            GyreServerLog.TrafficRestoreFailed(app.Logger, e); // charts are not worth refusing to start
        }
        if (forwarded is not null)
        {
            app.UseForwardedHeaders(forwarded); // first: everything after sees the caller's scheme and address
        }
        if (!options.RequireAuth)
        {
            app.UseMiddleware<LoopbackOnlyMiddleware>();
            // Without tokens, only loopback names may address the server: a web page that rebinds
            // its own DNS name to 127.0.0.1 cannot drive the API from a browser.
            app.UseHostFiltering();
        }
        app.UseMiddleware<RawPathGuardMiddleware>();
        app.UseMiddleware<ErrorMiddleware>();
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var status = http.Response.StatusCode;
            if (status == StatusCodes.Status404NotFound && NotFoundHtml.Wanted(http.Request))
            {
                await NotFoundHtml.WriteAsync(http);
                return;
            }
            await Problems.WriteAsync(http, ErrorCodes.FromHttpStatus(status), status switch
            {
                404 => $"no such resource: {http.Request.Method} {http.Request.Path}",
                405 => $"{http.Request.Method} is not supported on {http.Request.Path}",
                _ => $"HTTP {status} on {http.Request.Method} {http.Request.Path}",
            }, status: status);
        });
        app.UseRouting();
        app.UseMiddleware<DashboardHeaders>();
        app.UseMiddleware<CrossSiteGuardMiddleware>();
        app.UseMiddleware<TokenAuthMiddleware>();
        app.UseAntiforgery();
        MapEndpoints(app);
        // Every stored endpoint is loaded and warmed up, and rollouts interrupted by a stop are put
        // right, before the server takes requests.
        var endpoints = app.Services.GetRequiredService<Core.Serving.Endpoints.EndpointService>();
        await endpoints.StartAsync(ct);
        var controller = app.Services.GetRequiredService<Core.Serving.Rollouts.RolloutController>();
        controller.Failures = (rollout, e) => GyreServerLog.RolloutFailed(app.Logger, e, rollout.Id, rollout.Endpoint);
        await controller.TickAsync(ct);
        foreach (var failed in (await endpoints.ListAsync(ct)).Where(e => e.State == "failed"))
        {
            GyreServerLog.EndpointFailed(app.Logger, failed.Endpoint.Name, failed.Reason!);
        }
        var pipelines = app.Services.GetRequiredService<Core.Pipelines.Runs.PipelineService>();
        pipelines.Finished = run =>
        {
            if (run.State != Core.Pipelines.Runs.RunStates.Succeeded)
            {
                GyreServerLog.PipelineRunEnded(app.Logger, run.Id, run.Pipeline, run.State, run.Error);
            }
        };
        app.Services.GetRequiredService<Core.Pipelines.Triggers.PipelineTriggerWatcher>().Failures = (name, e) => GyreServerLog.PipelineTriggerFailed(app.Logger, e, name);
        await pipelines.RecoverAsync(ct);
        var monitor = app.Services.GetRequiredService<Core.Monitoring.Monitors.EndpointMonitor>();
        var monitorMetrics = app.Services.GetRequiredService<Inference.MonitorMetrics>();
        monitor.Checked = monitorMetrics.Record;
        monitor.Failures = (endpoint, e) => GyreServerLog.MonitorFailed(app.Logger, e, endpoint);
        app.Services.GetRequiredService<Core.Monitoring.Policies.PolicyEngine>().Failures = (policy, e) => GyreServerLog.PolicyFailed(app.Logger, e, policy);
        // Runs still going when the server stops are interrupted (their record says so) and can be resumed.
        app.Lifetime.ApplicationStopping.Register(() => pipelines.DisposeAsync().AsTask().GetAwaiter().GetResult());
        // Stopped callbacks run last registered first: the shadows' queue closes (they are served while
        // the server drains), then the models are let go, then the stores close.
        app.Lifetime.ApplicationStopped.Register(app.Services.GetRequiredService<Core.Serving.Gateway.ModelHost>().Dispose);
        app.Lifetime.ApplicationStopped.Register(app.Services.GetRequiredService<Core.Serving.Gateway.ShadowDispatcher>().Dispose);
        app.Lifetime.ApplicationStopped.Register(() => app.Services.GetRequiredService<Core.Monitoring.Webhooks.WebhookDispatcher>().DisposeAsync().AsTask().GetAwaiter().GetResult());
        GyreServerLog.Started(app.Logger, storage.Home.Root, options.RequireAuth ? "required" : "off (loopback only)");
        return app;
    }

    /// <summary>The addresses the server actually listens on (port 0 resolved), once started.</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static void AddServices(IServiceCollection services, ServerOptions options, GyreStorage storage,
        Core.Monitoring.Webhooks.WebhookDestinations destinations, TimeProvider time)
    {
        services.ConfigureHttpJsonOptions(json => GyreJson.Configure(json.SerializerOptions));
        services.Configure<RouteHandlerOptions>(routing => routing.ThrowOnBadRequest = true);
        services.AddOpenApi();
        services.AddGyreDashboard(storage.Home.Root);
        services.AddSingleton(options);
        services.AddHostedService<ListenGuard>();
        services.AddSingleton<Readiness>();
        services.AddHostedService<DrainService>();
        // The drain, then the requests in flight (Kestrel's own grace), then the workers.
        services.Configure<HostOptions>(host => host.ShutdownTimeout = options.DrainTime + TimeSpan.FromSeconds(30));
        services.AddSingleton(new TokenCache(time, options.TokenCacheTime));
        services.Configure<Microsoft.AspNetCore.HostFiltering.HostFilteringOptions>(hosts =>
            hosts.AllowedHosts = ["localhost", "127.0.0.1", "[::1]"]);
        services.AddSingleton(time);
        services.AddSingleton(storage);
        services.AddSingleton(storage.Tracking);
        services.AddSingleton(storage.Registry);
        services.AddSingleton(storage.Tokens);
        services.AddSingleton(storage.Artifacts);
        services.AddSingleton(storage.Datasets);
        services.AddSingleton(storage.DatasetObjects);
        var ingest = new DatasetIngest(storage.Datasets, storage.DatasetObjects, storage.DatasetReader);
        services.AddSingleton(ingest);
        services.AddSingleton(new Core.Data.Schemas.DatasetSchemas(storage.Datasets, storage.DatasetObjects, storage.DatasetReader));
        var splitting = new Core.Data.Splits.DatasetSplitting(storage.Datasets, storage.DatasetObjects, storage.DatasetSplitter, ingest);
        services.AddSingleton(splitting);
        var references = new Core.Data.Reference.DatasetReferences(storage.Datasets, storage.DatasetObjects, storage.ReferenceComputer);
        services.AddSingleton(references);
        services.AddSingleton(new Core.Monitoring.Drift.DatasetDrift(references));
        services.AddSingleton(new Core.Monitoring.Monitors.EndpointMonitor(storage.Monitors, storage.Endpoints, storage.Registry, storage.Tracking, storage.Datasets,
            references, storage.PredictionLog, time));
        services.AddSingleton(storage.Monitors);
        services.AddSingleton(storage.Policies);
        services.AddSingleton<Inference.MonitorMetrics>();
        services.AddSingleton(sp => new Core.Monitoring.Webhooks.WebhookDispatcher(storage.Policies, Core.Monitoring.Webhooks.WebhookClient.Create(destinations),
            options.Webhooks, time, sp.GetRequiredService<ILogger<Core.Monitoring.Webhooks.WebhookDispatcher>>()));
        services.AddSingleton(sp => new Core.Monitoring.Policies.PolicyEngine(storage.Policies, storage.Endpoints, storage.Monitors, storage.PredictionLog,
            sp.GetRequiredService<Core.Serving.Gateway.VariantWindows>(), sp.GetRequiredService<Core.Pipelines.Runs.PipelineService>(),
            sp.GetRequiredService<Core.Serving.Rollouts.RolloutController>(), storage.Rollouts, sp.GetRequiredService<Core.Monitoring.Webhooks.WebhookDispatcher>(), time));
        services.AddHostedService<MonitorWorker>();
        services.AddSingleton(new Core.Data.Validation.DatasetValidation(storage.Datasets, storage.DatasetObjects, storage.ConstraintMeasurer, time));
        var registration = new ModelVersionRegistration(storage.Tracking, storage.Registry, storage.Artifacts);
        services.AddSingleton(registration);
        var scratch = new ServerScratch(Path.Combine(storage.Home.Root, "tmp"));
        services.AddSingleton(scratch);
        var runtime = new Learning.Predictors.ModelRuntime();
        services.AddSingleton<Core.Models.IModelRuntime>(runtime);
        var import = new Core.Registry.ModelImport(storage.Tracking, storage.Registry, storage.Artifacts, registration,
            new Learning.Onnx.OnnxInspector(), runtime, scratch.Directory, time);
        services.AddSingleton(import);
        AddServing(services, options, storage, import, runtime, time);
        var gate = new Core.Learning.Gate.ModelGate(storage.Registry, storage.Datasets, storage.DatasetObjects, import,
            new Gyre.Core.Models.BatchScorer(new Gyre.Learning.Predictors.ModelRuntime(), new Gyre.Storage.Data.DuckDbFeatureFiles(scratch.Directory)), time);
        services.AddSingleton(gate);
        var training = new Core.Learning.Training.ModelTraining(storage.Datasets, storage.DatasetObjects, splitting, storage.DatasetSplitter, storage.DatasetExporter,
            new Learning.MlNet.MlNetTrainer(), new Gyre.Core.Models.BatchScorer(new Gyre.Learning.Predictors.ModelRuntime(), new Gyre.Storage.Data.DuckDbFeatureFiles(scratch.Directory)), storage.Tracking, storage.Artifacts, registration, storage.Registry, scratch.Directory, time);
        services.AddSingleton(training);
        services.AddSingleton(sp => new Core.Pipelines.Steps.StepServices(storage.Datasets, storage.DatasetObjects, storage.DatasetExporter, ingest,
            sp.GetRequiredService<Core.Data.Validation.DatasetValidation>(), splitting, training, gate, import, storage.Registry,
            sp.GetRequiredService<Core.Serving.Endpoints.EndpointService>(), sp.GetRequiredService<Core.Serving.Rollouts.RolloutController>(), storage.Rollouts,
            storage.PredictionLog, new Core.Pipelines.Steps.FileDigests(storage.Pipelines), time, scratch.Directory));
        AddPipelines(services, storage, time);
    }

    private static void AddPipelines(IServiceCollection services, GyreStorage storage, TimeProvider time)
    {
        services.AddSingleton(storage.Pipelines);
        services.AddSingleton(storage.Lineage);
        services.AddSingleton(storage.StepLogs);
        services.AddSingleton(sp => new Core.Pipelines.Runs.PipelineExecutor(storage.Pipelines, storage.Lineage,
            Core.Pipelines.Steps.BuiltInSteps.Create(sp.GetRequiredService<Core.Pipelines.Steps.StepServices>()), storage.StepLogs, time));
        services.AddSingleton(sp => new Core.Pipelines.Runs.PipelineService(storage.Pipelines, sp.GetRequiredService<Core.Pipelines.Runs.PipelineExecutor>(), storage.Datasets, time));
        services.AddSingleton(sp => new Core.Pipelines.Triggers.PipelineTriggerWatcher(storage.Pipelines, sp.GetRequiredService<Core.Pipelines.Runs.PipelineService>(),
            storage.Datasets, storage.PredictionLog, time));
        services.AddSingleton(new Core.Pipelines.Lineage.LineageService(storage.Lineage, storage.Endpoints, storage.Registry, storage.Tracking));
        services.AddHostedService<PipelineWorker>();
    }

    private static void AddServing(IServiceCollection services, ServerOptions options, GyreStorage storage, Core.Registry.ModelImport import,
        Core.Models.IModelRuntime runtime, TimeProvider time)
    {
        var router = new Core.Serving.Gateway.EndpointRouter();
        var host = new Core.Serving.Gateway.ModelHost(storage.Registry, import, runtime, time);
        services.AddSingleton(router);
        services.AddSingleton(host);
        services.AddSingleton(storage.Endpoints);
        services.AddSingleton(storage.PredictionLog);
        services.AddSingleton(options.Gateway);
        services.AddSingleton(new Core.Serving.Endpoints.EndpointService(storage.Endpoints, storage.Registry, host, router, time));
        var windows = new Core.Serving.Gateway.VariantWindows();
        services.AddSingleton(windows);
        var shadows = new Core.Serving.Gateway.ShadowDispatcher(storage.PredictionLog, windows, time, options.Gateway.ShadowQueueCapacity);
        services.AddSingleton(shadows);
        services.AddSingleton(new Core.Serving.Gateway.InferenceGateway(router, storage.PredictionLog, windows, shadows, time));
        services.AddSingleton(new Inference.GatewayMetrics(router, storage.PredictionLog, windows));
        services.AddSingleton(new Core.Serving.Gateway.TrafficHistory(windows, storage.Traffic, time));
        services.AddHostedService<TrafficWorker>();
        services.AddSingleton(storage.Rollouts);
        services.AddSingleton(sp => new Core.Serving.Rollouts.RolloutController(storage.Rollouts, storage.Endpoints, sp.GetRequiredService<Core.Serving.Endpoints.EndpointService>(),
            router, storage.Registry, windows, storage.PredictionLog, time));
        services.AddHostedService<RolloutWorker>();
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapMetrics("/metrics", app.Services.GetRequiredService<Inference.GatewayMetrics>().Registry).WithMetadata(new Anonymous());
        EndpointsApi.Map(app);
        RolloutsApi.Map(app);
        Inference.PredictApi.Map(app);
        Inference.OipApi.Map(app);
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
    }
}
