namespace Gyre.Core.Learning.Gate;

/// <summary>One comparison of a gate: what it checked, the values it compared, and why it passed or failed.</summary>
public sealed record GateCheck(string Check, string Metric, bool Passed, double Value, double? Against, string Reason);
