namespace Gyre.Core.Serving.Batching;

/// <summary>
/// One request's predictions from a shared model call: how long it waited for the call to start,
/// how many rows the call scored, and whether this request is the one that counts the call (each
/// call is counted once on <c>/metrics</c>).
/// </summary>
public sealed record BatchedAnswer(double[][] Predictions, TimeSpan Wait, int CallRows, bool CountsCall);
