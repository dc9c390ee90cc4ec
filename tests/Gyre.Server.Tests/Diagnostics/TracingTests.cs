using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Diagnostics;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Diagnostics;

/// <summary>
/// Gyre's spans as an OpenTelemetry SDK sees them: an <see cref="ActivityListener"/> on the
/// <c>Gyre</c> source, as the SDK's is, records what one prediction and one refused request make.
/// The listener hears the whole process (other tests' servers too), so spans are picked by endpoint.
/// </summary>
public sealed class TracingTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentQueue<Activity> _spans = new();
    private readonly ActivityListener _listener;
    private TestServer _server = null!;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == GyreTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _spans.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task APrediction_IsAnInferenceSpan_WithTheModelCallAndTheLogAppendInside()
    {
        var model = await ServingModels.TrainChurnAsync(_server);
        var endpoint = await ServingModels.CreateEndpointAsync(_server, model + "/1");
        var answered = await _server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict",
            new { instances = new[] { new { tenure = 3, plan = "basic" }, new { tenure = 40, plan = "pro" } } });
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);

        var inference = Assert.Single(Spans("gyre.inference", endpoint));
        Assert.Equal($"{model}-v1", inference.GetTagItem("gyre.variant"));
        Assert.Equal(ActivityStatusCode.Unset, inference.Status);
        var children = _spans.Where(s => s.ParentSpanId == inference.SpanId).ToList();
        Assert.Equal(["gyre.log.append", "gyre.model.predict"], children.Select(c => c.OperationName).Order(StringComparer.Ordinal));
        Assert.Equal(2, children.Single(c => c.OperationName == "gyre.model.predict").GetTagItem("gyre.rows"));
        Assert.All(children, c => Assert.Equal(inference.TraceId, c.TraceId));
        Assert.All(children, c => Assert.InRange(c.Duration, TimeSpan.Zero, inference.Duration));

        // A request the model's signature refuses: the span says so, in OpenTelemetry's terms.
        var refused = await _server.Http.PostAsJsonAsync($"/endpoints/{endpoint}/predict", new { instances = new[] { new { tenure = "long", plan = "pro" } } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var failed = Assert.Single(Spans("gyre.inference", endpoint), s => s.Status == ActivityStatusCode.Error);
        Assert.Equal("InvalidArgument", failed.GetTagItem("error.type"));
        Assert.Contains("tenure", failed.StatusDescription, StringComparison.Ordinal);
    }

    private IEnumerable<Activity> Spans(string name, string endpoint) =>
        _spans.Where(s => s.OperationName == name && (string?)s.GetTagItem("gyre.endpoint") == endpoint);
}
