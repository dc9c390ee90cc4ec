using System.CommandLine;
using Gyre.Server.Hosting;
using Microsoft.Extensions.Hosting;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre server</c>: the REST API on Kestrel, with its metadata in the home's SQLite file or in PostgreSQL.</summary>
internal static class ServerCommand
{
    public static Command Build()
    {
        var urls = new Option<string>("--urls") { Description = "Listen URLs, ';'-separated", DefaultValueFactory = _ => ServerOptions.DefaultUrls };
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
        var migrate = new Option<bool>("--migrate") { Description = "Apply pending schema migrations to the --database at start (the home's own SQLite file always migrates itself)" };
        var database = new DatabaseArguments();
        var artifacts = new ArtifactsArgument();
        var command = new Command("server", "Run the Gyre server (REST API, artifact store, registry)") { urls, home, auth, maxArtifact, proxies, webhookAllow, drain, migrate };
        database.AddTo(command);
        artifacts.AddTo(command);
        command.WithoutClient(async (parse, _, ct) =>
        {
            var options = new ServerOptions
            {
                Urls = parse.GetValue(urls)!,
                Home = parse.GetValue(home),
                Database = database.Read(parse),
                Artifacts = artifacts.Read(parse),
                Migrate = parse.GetValue(migrate),
                RequireAuth = parse.GetValue(auth),
                MaxArtifactBytes = parse.GetValue(maxArtifact) ?? new ServerOptions().MaxArtifactBytes,
                TrustedProxies = parse.GetValue(proxies) ?? [],
                Webhooks = new Core.Monitoring.Webhooks.WebhookOptions { Allow = parse.GetValue(webhookAllow) ?? [] },
                DrainTime = parse.GetValue(drain) is { } seconds ? DrainSeconds(seconds) : new ServerOptions().DrainTime,
            };
            await using var app = await GyreServer.BuildAsync(options, ct: ct);
            await app.StartAsync(ct);
            await Console.Out.WriteLineAsync($"gyre server listening on {string.Join(", ", GyreServer.Addresses(app))} (the dashboard is at /; Ctrl+C to stop)");
            await app.WaitForShutdownAsync(ct);
        });
        return command;
    }

    private static TimeSpan DrainSeconds(double seconds) => seconds is >= 0 and <= 3600
        ? TimeSpan.FromSeconds(seconds)
        : throw Core.Errors.GyreException.Invalid($"--drain: expected 0 to 3600 seconds, got {seconds}");
}
