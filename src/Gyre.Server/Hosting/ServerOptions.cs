namespace Gyre.Server.Hosting;

/// <summary>How a <c>gyre server</c> starts. Every member has an embedded default.</summary>
public sealed record ServerOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5000";

    /// <summary>Semicolon-separated listen URLs; port 0 picks a free port.</summary>
    public string Urls { get; init; } = DefaultUrls;

    /// <summary>
    /// Semicolon-separated listen URLs for the Open Inference Protocol's gRPC service, HTTP/2 without
    /// TLS (<c>--grpc-urls</c>; Triton's port is 8001); none by default. Port 0 picks a free port.
    /// They must not share a port with <see cref="Urls"/>: HTTP/2 without TLS cannot share a port with HTTP/1.1.
    /// </summary>
    public string? GrpcUrls { get; init; }

    /// <summary>The home folder; null resolves <c>$GYRE_HOME</c>, then <c>.gyre/</c>.</summary>
    public string? Home { get; init; }

    /// <summary>Where the metadata lives: the home's SQLite file by default, or a PostgreSQL database.</summary>
    public Storage.DatabaseOptions Database { get; init; } = new();

    /// <summary>Where run artifacts and model packages live: the home's folder by default, or an S3 bucket or Azure Blob container.</summary>
    public Storage.ArtifactStoreOptions Artifacts { get; init; } = new();

    /// <summary>
    /// Apply pending schema migrations to a shared (PostgreSQL) database at start. Without it, a
    /// server refuses to start on an older schema and says to run <c>gyre migrate</c>; the home's
    /// own SQLite file always migrates itself.
    /// </summary>
    public bool Migrate { get; init; }

    /// <summary>Require a token on every API call. Always on for a non-loopback address.</summary>
    public bool RequireAuth { get; init; }

    /// <summary>The largest JSON request body, in bytes (MLflow's batch limit is 1 MB).</summary>
    public long MaxJsonBodyBytes { get; init; } = 1 << 20;

    /// <summary>The largest single artifact upload, in bytes.</summary>
    public long MaxArtifactBytes { get; init; } = 1L << 30;

    /// <summary>The largest dataset file, in bytes.</summary>
    public long MaxDatasetBytes { get; init; } = 10L << 30;

    /// <summary>The inference gateway's limits: body size and rows per request (413 beyond).</summary>
    public Core.Serving.Gateway.GatewayOptions Gateway { get; init; } = new();

    /// <summary>A file whose first line is an admin token's secret, registered at start (<c>--admin-token-file</c>, <c>$GYRE_ADMIN_TOKEN_FILE</c>); see <see cref="AdminTokenFile"/>.</summary>
    public string? AdminTokenFile { get; init; }

    /// <summary>How long a validated token is trusted before it is looked up again (so revocation takes at most this long).</summary>
    public TimeSpan TokenCacheTime { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of reverse proxies whose
    /// <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> are believed; none by default.
    /// </summary>
    public IReadOnlyList<string> TrustedProxies { get; init; } = [];

    /// <summary>How policies' webhooks are delivered, and which otherwise refused destinations they may reach.</summary>
    public Core.Monitoring.Webhooks.WebhookOptions Webhooks { get; init; } = new();

    /// <summary>
    /// How long a stopping server keeps serving after <c>/readyz</c> turned 503, so that a load
    /// balancer stops sending before the port closes. Then requests in flight are finished.
    /// </summary>
    public TimeSpan DrainTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>This process among replicas sharing the database: its roles (<c>--roles</c>) and the lease time of its singletons (<c>--lease-ttl</c>).</summary>
    public Core.Coordination.ReplicaOptions Replica { get; init; } = new();

    /// <summary>Lower the log level to warnings (tests, benchmarks).</summary>
    public bool Quiet { get; init; }

    /// <summary>Each setting that cannot work, named as the command line names it; none when the server can start.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Urls))
        {
            problems.Add("--urls: expected one or more listen URLs separated by ';'");
        }
        foreach (var url in ListenAddresses.Split(GrpcUrls ?? ""))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            {
                problems.Add($"--grpc-urls: '{url}' is not a URL such as http://127.0.0.1:8001 (gRPC is served without TLS; end TLS at a proxy)");
            }
        }
        Positive("ServerOptions.MaxJsonBodyBytes", MaxJsonBodyBytes);
        Positive("--max-artifact-bytes", MaxArtifactBytes);
        Positive("ServerOptions.MaxDatasetBytes", MaxDatasetBytes);
        if (TokenCacheTime < TimeSpan.Zero)
        {
            problems.Add($"ServerOptions.TokenCacheTime: expected 0 or more, got {TokenCacheTime}");
        }
        if (DrainTime < TimeSpan.Zero || DrainTime > TimeSpan.FromHours(1))
        {
            problems.Add($"--drain: expected 0 to 3600 seconds, got {DrainTime.TotalSeconds}");
        }
        problems.AddRange(Database.Problems());
        problems.AddRange(Artifacts.Problems());
        problems.AddRange(Gateway.Problems());
        problems.AddRange(Webhooks.Problems());
        problems.AddRange(Replica.Problems());
        return problems;

        void Positive(string name, long value)
        {
            if (value <= 0)
            {
                problems.Add($"{name}: expected a size above 0 bytes, got {value}");
            }
        }
    }
}
