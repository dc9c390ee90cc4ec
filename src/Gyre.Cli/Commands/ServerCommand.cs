using System.CommandLine;
using Gyre.Core.Coordination;
using Gyre.Server.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre server</c>: the REST API, the dashboard, the inference gateway and the background work on
/// Kestrel, or the roles <c>--roles</c> names; <c>gyre worker</c>: a replica with only the worker role,
/// which serves nothing but health and metrics (a training box).
/// </summary>
internal static class ServerCommand
{
    public const string WorkerUrls = "http://127.0.0.1:5001";

    public static Command Build() => Build("server", "Run the Gyre server (REST API, dashboard, inference gateway, background work)", ServerOptions.DefaultUrls, worker: false);

    public static Command BuildWorker() => Build("worker",
        "Run a worker replica: pipeline steps, rollouts, monitors, policies and triggers on the shared --database; serves only /healthz, /readyz and /metrics",
        WorkerUrls, worker: true);

    private static Command Build(string name, string description, string defaultUrls, bool worker)
    {
        var urls = new Option<string>("--urls") { Description = "Listen URLs, ';'-separated", DefaultValueFactory = _ => defaultUrls };
        var grpcUrls = new Option<string?>("--grpc-urls")
        {
            Description = "Listen URLs for the Open Inference Protocol over gRPC (HTTP/2 without TLS, a port of its own, e.g. http://127.0.0.1:8001); off by default",
        };
        var invocations = new Option<string?>("--invocations-endpoint")
        {
            Description = "The endpoint that MLflow's bare POST /invocations scores (every endpoint answers at /endpoints/NAME/invocations)",
        };
        var home = CliOptions.Home();
        var auth = new Option<bool>("--auth") { Description = "Require an API token on every call (always on for a non-loopback address)" };
        var maxArtifact = new Option<long?>("--max-artifact-bytes") { Description = "The largest artifact upload, in bytes (default 1 GiB)" };
        var proxies = new Option<string[]>("--trusted-proxy")
        {
            Description = "A reverse proxy (address or network, repeatable) whose X-Forwarded-Proto and X-Forwarded-For are believed, e.g. one that ends TLS",
        };
        var webhookAllow = new Option<string[]>("--webhook-allow")
        {
            Description = "A destination policies' webhooks may reach although it is loopback, private or link-local (an address, a network such as 10.0.0.0/8, or a host name; repeatable)",
        };
        var drain = new Option<double?>("--drain")
        {
            Description = "Seconds a stopping server keeps serving after /readyz turned 503, for load balancers to notice (default 5; 0 stops at once)",
        };
        var adminTokenFile = new Option<string?>("--admin-token-file")
        {
            Description = "A file whose first line is an admin token's secret (at least 32 characters), registered at start: a container's token from a secret store (default $GYRE_ADMIN_TOKEN_FILE)",
        };
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending schema migrations to the --database at start (the home's own SQLite file always migrates itself)" };
        var roles = new Option<string>("--roles")
        {
            Description = "What this replica does, comma-separated: api (REST API, dashboard), gateway (inference), worker (background work); default all three",
            DefaultValueFactory = _ => ReplicaRoleNames.Format(ReplicaRoles.All),
        };
        var leaseTtl = new Option<double?>("--lease-ttl")
        {
            Description = "Seconds a worker's singleton lease (rollouts, monitors, triggers) lasts without a heartbeat: how soon another replica takes over from a dead one (default 10)",
        };
        var database = new DatabaseArguments();
        var artifacts = new ArtifactsArgument();
        var command = new Command(name, description) { urls, home, auth, maxArtifact, proxies, webhookAllow, drain, migrate, leaseTtl, adminTokenFile };
        if (!worker)
        {
            command.Options.Add(roles);
            command.Options.Add(grpcUrls);
            command.Options.Add(invocations);
        }
        database.AddTo(command);
        artifacts.AddTo(command);
        command.WithoutClient(async (parse, _, ct) =>
        {
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                GrpcUrls = worker ? null : parse.GetValue(grpcUrls),
                Gateway = new Core.Serving.Gateway.GatewayOptions { InvocationsEndpoint = worker ? null : parse.GetValue(invocations) },
                Home = parse.GetValue(home),
                Database = database.Read(parse),
                Artifacts = artifacts.Read(parse),
                Migrate = parse.GetValue(migrate),
                RequireAuth = parse.GetValue(auth),
                AdminTokenFile = parse.GetValue(adminTokenFile) ?? AdminTokenFile.FromEnvironment(),
                MaxArtifactBytes = parse.GetValue(maxArtifact) ?? new ServerOptions().MaxArtifactBytes,
                TrustedProxies = parse.GetValue(proxies) ?? [],
                Webhooks = new Core.Monitoring.Webhooks.WebhookOptions { Allow = parse.GetValue(webhookAllow) ?? [] },
                DrainTime = parse.GetValue(drain) is { } seconds ? DrainSeconds(seconds) : new ServerOptions().DrainTime,
                Replica = new ReplicaOptions
                {
                    Roles = worker ? ReplicaRoles.Worker : ReplicaRoleNames.Parse("--roles", parse.GetValue(roles)),
                    LeaseTtl = parse.GetValue(leaseTtl) is { } ttl ? LeaseSeconds(ttl) : ReplicaOptions.DefaultLeaseTtl,
                },
            };
            await using var app = await GyreServer.BuildAsync(options, ct: ct);
            await app.StartAsync(ct);
            var listening = string.Join(", ", GyreServer.Addresses(app));
            if (GyreServer.GrpcAddresses(app) is { Count: > 0 } grpc)
            {
                listening += $" and gRPC on {string.Join(", ", grpc)}";
            }
            await Console.Out.WriteLineAsync(options.Replica.Roles == ReplicaRoles.All
                ? $"gyre server listening on {listening} (the dashboard is at /; Ctrl+C to stop)"
                : $"gyre {name} listening on {listening} (roles {ReplicaRoleNames.Format(options.Replica.Roles)}; Ctrl+C to stop)");
            await app.WaitForShutdownAsync(ct);
        });
        return command;
    }

    private static TimeSpan DrainSeconds(double seconds) => seconds is >= 0 and <= 3600
        ? TimeSpan.FromSeconds(seconds)
        : throw Core.Errors.GyreException.Invalid($"--drain: expected 0 to 3600 seconds, got {seconds}");

    private static TimeSpan LeaseSeconds(double seconds) => seconds is >= 2 and <= 300
        ? TimeSpan.FromSeconds(seconds)
        : throw Core.Errors.GyreException.Invalid($"--lease-ttl: expected 2 to 300 seconds, got {seconds}");
}
