using Microsoft.Extensions.Logging;

namespace Gyre.Core.Diagnostics;

/// <summary>The log messages of Gyre's own logic, source-generated; event ids 100 and up (the server's are below 100).</summary>
public static partial class GyreLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "the outcome of webhook {Index} of policy firing {Firing} could not be recorded")]
    public static partial void WebhookOutcomeNotRecorded(ILogger logger, Exception exception, long firing, int index);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error, Message = "webhook {Index} of policy firing {Firing} failed on the server")]
    public static partial void WebhookFailed(ILogger logger, Exception exception, long firing, int index);
}
