using Microsoft.Extensions.Logging;

namespace Gyre.Server.Hosting;

/// <summary>The server's log messages, source-generated, with their event ids in one place.</summary>
internal static partial class GyreServerLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "gyre server: home {Home}, schema migrated, authentication {Auth}")]
    public static partial void Started(ILogger logger, string home, string auth);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "unhandled error on {Method} {Path}")]
    public static partial void Unhandled(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "artifacts of purged {Kind} {Id} could not be removed")]
    public static partial void ArtifactCleanupFailed(ILogger logger, Exception exception, string kind, string id);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "the rollout controller's tick failed")]
    public static partial void RolloutTickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "rollout {Id} on endpoint {Endpoint} could not be moved on; the next tick tries again")]
    public static partial void RolloutFailed(ILogger logger, Exception exception, long id, string endpoint);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "endpoint {Endpoint} is not serving: {Reason}")]
    public static partial void EndpointFailed(ILogger logger, string endpoint, string reason);

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

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "the endpoints' recent traffic could not be read back; the charts start empty")]
    public static partial void TrafficRestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 13, Level = LogLevel.Warning, Message = "stopping: /readyz answers 503; serving for {Seconds} s more while load balancers notice (signal again to stop now)")]
    public static partial void Draining(ILogger logger, double seconds);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "{Method} {Path} answered 503 ({Detail})")]
    public static partial void Unavailable(ILogger logger, Exception exception, string method, string path, string detail);
}
