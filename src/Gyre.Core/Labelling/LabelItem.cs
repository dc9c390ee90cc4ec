namespace Gyre.Core.Labelling;

/// <summary>
/// A prediction a queue sampled for people to label: a copy of the logged row (<c>Inputs</c> and
/// <c>Outputs</c> as JSON), why it was picked (<c>Reason</c>, with the strategy's <c>Priority</c>,
/// higher first), how many labels it needs, and its <c>State</c> (<see cref="LabelItemStates"/>).
/// <c>Final</c> is the label that became the prediction's ground truth (JSON), by agreement or by a
/// reviewer's word (<c>Reviewer</c>). <c>Version</c> grows with each change of the item's state or
/// final label.
/// </summary>
public sealed record LabelItem(
    string Queue,
    string PredictionId,
    long PredictionTime,
    string Variant,
    string Model,
    string Inputs,
    string Outputs,
    string Reason,
    double Priority,
    int LabelsNeeded,
    long AddedTime,
    string State = LabelItemStates.Open,
    string? Final = null,
    string? Reviewer = null,
    long? ReviewTime = null,
    long Version = 0);

/// <summary>An item is open until it has the labels it needs; then done (its labels agree), or in review (they differ) until a reviewer decides.</summary>
public static class LabelItemStates
{
    public const string Open = "open";
    public const string Review = "review";
    public const string Done = "done";

    public static IReadOnlyList<string> All { get; } = [Open, Review, Done];
}

/// <summary>One person's label of an item (JSON: a class as a string, or a number), or a skip (<c>Label</c> null), and when.</summary>
public sealed record ItemLabel(string Queue, string PredictionId, string Labeller, string? Label, long Time)
{
    public bool Skipped => Label is null;
}

/// <summary>An item with every label and skip given to it, oldest first.</summary>
public sealed record LabelledItem(LabelItem Item, IReadOnlyList<ItemLabel> Labels);
