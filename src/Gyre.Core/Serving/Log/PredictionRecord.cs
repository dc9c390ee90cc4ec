namespace Gyre.Core.Serving.Log;

/// <summary>
/// One logged prediction: one row of a request. <see cref="Inputs"/> and <see cref="Outputs"/>
/// are JSON (the row as sent, the prediction as answered); <see cref="Routing"/> says why this
/// variant answered (<see cref="Routings"/>).
/// </summary>
public sealed record PredictionRecord(
    string PredictionId,
    string Endpoint,
    string Variant,
    string ModelName,
    long ModelVersion,
    long Time,
    double LatencyMs,
    string Inputs,
    string Outputs,
    string Routing);

/// <summary>A logged prediction with the ground truth that was reported for it, if any, and who reported it (<see cref="FeedbackSource"/>).</summary>
public sealed record LoggedPrediction(PredictionRecord Prediction, string? Actual, long? FeedbackTime, string? FeedbackSource = null);

/// <summary>Ground truth for a prediction: <see cref="Actual"/> is JSON (a label, a class, a value).</summary>
public sealed record Feedback(string PredictionId, string Actual);

/// <summary>
/// What happened to a batch of feedback: stored, already known (the first report is kept, so a
/// repeat changes nothing), or about predictions this endpoint never logged (not stored).
/// </summary>
public sealed record FeedbackResult(int Accepted, int Duplicates, IReadOnlyList<string> Unknown);

/// <summary>A prediction with its ground truth, as online metrics read it; <c>Time</c> is the prediction's.</summary>
public sealed record LabelledPrediction(string Variant, string Outputs, string Actual, long Time = 0);

/// <summary>Predictions read as stored (<see cref="IPredictionLog.ReadAsync"/>): none of these, nor of any later batch, is older than <c>Floor</c>.</summary>
public sealed record PredictionBatch(long Floor, IReadOnlyList<PredictionRecord> Records);
