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

    /// <summary>Marks the span failed with the exception's type and message (OpenTelemetry's error conventions).</summary>
    public static void Fail(this Activity? activity, Exception e)
    {
        if (activity is null)
        {
            return;
        }
        activity.SetStatus(ActivityStatusCode.Error, e.Message);
        activity.SetTag("error.type", e is Errors.GyreException g ? g.Code.ToString() : e.GetType().FullName);
    }
}
