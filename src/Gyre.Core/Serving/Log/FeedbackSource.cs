namespace Gyre.Core.Serving.Log;

/// <summary>
/// Who reported a prediction's ground truth: the application (<c>POST /endpoints/{name}/feedback</c>)
/// or a person in the labelling queue <see cref="Queue"/>. The two are kept apart (<c>source</c>
/// beside each actual) and the application's report wins when both exist, unless the person's queue
/// prefers its people (<see cref="Pinned"/>): then the person's label is the actual, and the
/// application's report is kept aside, to be the actual again if the label is taken back.
/// </summary>
public sealed record FeedbackSource(string Name, bool Pinned, string? Queue)
{
    public const string ApplicationName = "application";
    public const string HumanName = "human";

    public static FeedbackSource Application { get; } = new(ApplicationName, false, null);

    public static FeedbackSource Human(string queue, bool pinned) => new(HumanName, pinned, queue);

    public bool IsHuman => Name == HumanName;
}
