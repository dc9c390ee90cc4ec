namespace Gyre.Core.Monitoring.Bias;

/// <summary>
/// A monitor's <c>bias</c>: the post-training bias of its windows' labelled predictions by the
/// <c>Sensitive</c> input (default: the reference's column with role <c>sensitive</c>), for the
/// <c>Favourable</c> value of the label (default <c>true</c> or <c>1</c> for a two-valued label that has it).
/// </summary>
public sealed record BiasSettings(string? Sensitive = null, string? Favourable = null);
