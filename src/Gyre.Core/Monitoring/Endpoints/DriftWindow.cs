using Gyre.Core.Monitoring.Drift;

namespace Gyre.Core.Monitoring.Endpoints;

/// <summary>
/// One window of an endpoint's traffic checked for drift: its time range [Start, End), how many
/// predictions it held, the version and reference it was compared with, the data drift report
/// (one entry per feature) and the drift of the predictions themselves against the reference's label.
/// </summary>
public sealed record DriftWindow(
    long Id,
    string Endpoint,
    long Start,
    long End,
    int Predictions,
    string Reference,
    DriftReport Data,
    ColumnDrift? Prediction);
