using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gyre.Core.Diagnostics;
using Gyre.Server.Tests.Serving;

namespace Gyre.Server.Tests.Diagnostics;

/// <summary>
/// Gyre's spans as an OpenTelemetry SDK sees them: an <see cref="ActivityListener"/> on the
/// <c>Gyre</c> source and ASP.NET Core's, as the SDK's is, records what one prediction, one refused
/// request and one pipeline run make.
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
            // ASP.NET Core's too, as an OpenTelemetry setup with its instrumentation does: requests are spans.
            ShouldListenTo = source => source.Name is GyreTracing.SourceName or "Microsoft.AspNetCore",
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
        Assert.Equal("InvalidArgument", failed.StatusDescription); // not the message, which quotes the caller's input
    }

    [Fact]
    public async Task EveryPipelineStep_IsASpanOfItsOwnTrace_WithItsStateAndAFailureMarked()
    {
        using var work = Pipelines.PipelineWorkspace.Create(_server);
        var name = Unique.Name("traced");
        await work.SaveAsync($$$"""
            name: {{{name}}}
            max_parallel: 1
            steps:
              - {id: fine, uses: command, with: {run: 'true'}}
              - {id: broken, uses: command, needs: [fine], with: {run: 'exit 3'}}
            """);
        // Started by an HTTP request, itself a span: the run's steps must not become its children.
        var run = await work.RunAsync(name);

        var steps = _spans.Where(s => s.OperationName == "gyre.pipeline.step" && (string?)s.GetTagItem("gyre.pipeline") == name).ToList();
        Assert.Equal(["broken", "fine"], steps.Select(s => (string)s.GetTagItem("gyre.step")!).Order(StringComparer.Ordinal));
        Assert.All(steps, s => Assert.Equal(run.Id, s.GetTagItem("gyre.run_id")));
        Assert.All(steps, s => Assert.Equal(default, s.ParentSpanId));
        var fine = steps.Single(s => (string?)s.GetTagItem("gyre.step") == "fine");
        var broken = steps.Single(s => (string?)s.GetTagItem("gyre.step") == "broken");
        Assert.Equal(("succeeded", ActivityStatusCode.Unset), ((string?)fine.GetTagItem("gyre.step.state"), fine.Status));
        Assert.Equal(("failed", ActivityStatusCode.Error), ((string?)broken.GetTagItem("gyre.step.state"), broken.Status));
    }

    private IEnumerable<Activity> Spans(string name, string endpoint) =>
        _spans.Where(s => s.OperationName == name && (string?)s.GetTagItem("gyre.endpoint") == endpoint);
}
