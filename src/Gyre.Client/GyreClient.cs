using System.Net.Http.Headers;

namespace Gyre.Client;

/// <summary>
/// The .NET client of a Gyre server, in catalogs like ML.NET's: <see cref="Experiments"/>,
/// <see cref="Runs"/>, <see cref="Models"/>, <see cref="Datasets"/>, <see cref="Trainings"/>,
/// <see cref="Endpoints"/>, <see cref="Tokens"/>. Thread-safe; make one and keep it.
/// </summary>
public sealed class GyreClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    public GyreClient(GyreClientOptions? options = null)
        : this(new HttpClient(), options ?? GyreClientOptions.FromEnvironment(), ownsHttp: true)
    {
    }

    /// <summary>Uses an <see cref="HttpClient"/> you manage (for example from IHttpClientFactory).</summary>
    public GyreClient(HttpClient http, GyreClientOptions options)
        : this(http, options, ownsHttp: false)
    {
    }

    private GyreClient(HttpClient http, GyreClientOptions options, bool ownsHttp)
    {
        _http = http;
        _ownsHttp = ownsHttp;
        if (ownsHttp)
        {
            _http.BaseAddress = options.Server;
            // Timeouts are per call (see ApiTransport): artifact streams may take longer than any JSON call.
            _http.Timeout = Timeout.InfiniteTimeSpan;
        }
        _http.BaseAddress ??= options.Server;
        var transport = new ApiTransport(_http, options.Token is null ? null : new AuthenticationHeaderValue("Bearer", options.Token), options.Timeout);
        Experiments = new ExperimentsClient(transport);
        Runs = new RunsClient(transport);
        Models = new ModelsClient(transport);
        Tokens = new TokensClient(transport);
        Datasets = new DatasetsClient(transport);
        Features = new FeaturesClient(transport);
        Labels = new LabelsClient(transport);
        Trainings = new TrainingsClient(transport);
        Endpoints = new EndpointsClient(transport);
        Pipelines = new PipelinesClient(transport);
        Policies = new PoliciesClient(transport);
        System = new SystemClient(transport);
    }

    public ExperimentsClient Experiments { get; }

    public RunsClient Runs { get; }

    public ModelsClient Models { get; }

    public EndpointsClient Endpoints { get; }

    public TokensClient Tokens { get; }

    /// <summary>Pipelines, their runs, and the lineage graph they record.</summary>
    public PipelinesClient Pipelines { get; }

    /// <summary>Policies that act on monitoring: retrain, notify, roll back.</summary>
    public PoliciesClient Policies { get; }

    public DatasetsClient Datasets { get; }

    /// <summary>The feature store: feature groups and point-in-time training sets.</summary>
    public FeaturesClient Features { get; }

    /// <summary>Labelling queues, labels and their review.</summary>
    public LabelsClient Labels { get; }

    /// <summary>Training models with ML.NET on dataset versions.</summary>
    public TrainingsClient Trainings { get; }

    /// <summary>Health and readiness.</summary>
    public SystemClient System { get; }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }
}
