using System.Diagnostics;

namespace Gyre.Core.Diagnostics;

/// <summary>
/// Gyre's spans, as <see cref="Activity"/> objects of one <see cref="ActivitySource"/> named
/// <see cref="SourceName"/>, so that any OpenTelemetry setup (Gyre's own OTLP exporter, or a host's)
/// picks them up: <c>gyre.inference</c> with its children <c>gyre.model.predict</c> and
/// <c>gyre.log.append</c>, <c>gyre.pipeline.step</c>, and <c>gyre.rollout.transition</c>. Nothing
/// is created unless something listens, so tracing off costs nothing on the request path.
/// Attributes are <c>gyre.*</c>; failures set the span's status and OpenTelemetry's <c>error.type</c>.
/// </summary>
public static class GyreTracing
{
    public const string SourceName = "Gyre";

    public static readonly ActivitySource Source = new(SourceName, typeof(GyreTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Marks the span failed (OpenTelemetry's error conventions): <c>error.type</c> and the status
    /// description are Gyre's error code, or the exception's type. Never the message: a refusal's
    /// message quotes the caller's input, which is not the tracing backend's to keep.
    /// </summary>
    public static void Fail(this Activity? activity, Exception e)
    {
        if (activity is null)
        {
            return;
        }
        var type = e is Errors.GyreException g ? g.Code.ToString() : e.GetType().FullName;
        activity.SetStatus(ActivityStatusCode.Error, type);
        activity.SetTag("error.type", type);
    }
}
