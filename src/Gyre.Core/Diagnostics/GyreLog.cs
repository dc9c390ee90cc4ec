using Microsoft.Extensions.Logging;

namespace Gyre.Core.Diagnostics;

/// <summary>
/// Every log message Gyre writes, source-generated, with its event id: one place to look up what an
/// id means. 1–99: the server and its background workers; 100 and up: webhooks.
/// </summary>
public static partial class GyreLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "gyre server: home {Home}, schema migrated, authentication {Auth}")]
    public static partial void Started(ILogger logger, string home, string auth);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "artifacts of purged {Kind} {Id} could not be removed")]
    public static partial void ArtifactCleanupFailed(ILogger logger, Exception exception, string kind, string id);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "a tick of the {Worker} worker failed; the next tick tries again")]
    public static partial void TickFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "endpoint {Endpoint} is not serving: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "rollout {Id} on endpoint {Endpoint} could not be moved on; the next tick tries again")]
    public static partial void RolloutFailed(ILogger logger, Exception exception, long id, string endpoint);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "pipeline run {Id} of {Pipeline} ended {State}: {Error}")]
    public static partial void PipelineRunEnded(ILogger logger, long id, string pipeline, string state, string? error);

    [LoggerMessage(EventId = 8, Level = LogLevel.Error, Message = "the triggers of pipeline {Pipeline} could not be checked; the next tick tries again")]
    public static partial void PipelineTriggerFailed(ILogger logger, Exception exception, string pipeline);

    [LoggerMessage(EventId = 9, Level = LogLevel.Error, Message = "the drift monitor of endpoint {Endpoint} could not check its window; the next tick tries again")]
    public static partial void MonitorFailed(ILogger logger, Exception exception, string endpoint);

    [LoggerMessage(EventId = 10, Level = LogLevel.Error, Message = "policy {Policy} could not be evaluated; the next tick tries again")]
    public static partial void PolicyFailed(ILogger logger, Exception exception, string policy);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "the endpoints' recent traffic could not be saved; the next tick tries again")]
    public static partial void TrafficSaveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "stopping: /readyz answers 503; serving for {Seconds} s more while load balancers notice (signal again to stop now)")]
    public static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 ({Detail})")]
    public static partial void Unavailable(ILogger logger, Exception exception, string method, string path, string detail);

    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "the outcome of webhook {Index} of policy firing {Firing} could not be recorded")]
    public static partial void WebhookOutcomeNotRecorded(ILogger logger, Exception exception, long firing, int index);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "webhook {Index} of policy firing {Firing} failed on the server")]
    public static partial void WebhookFailed(ILogger logger, Exception exception, long firing, int index);
}
