namespace Gyre.Core.Serving.Log;

/// <summary>
/// Who reported a prediction's ground truth: the application (<c>POST /endpoints/{name}/feedback</c>)
/// or a person in a labelling queue. The two are kept apart (<c>source</c> beside each actual) and
/// the application's report wins when both exist, unless the queue was made to prefer its people
/// (<see cref="Pinned"/>): then a person's label replaces the application's and is never replaced by it.
/// </summary>
public sealed record FeedbackSource(string Name, bool Pinned)
{
    public const string ApplicationName = "application";
    public const string HumanName = "human";

    public static FeedbackSource Application { get; } = new(ApplicationName, false);

    public static FeedbackSource Human(bool pinned) => new(HumanName, pinned);

    /// <summary>
    /// Which stored report (the <c>feedback</c> row) this source's report replaces, as SQL on that row:
    /// the application replaces a person's label that is not pinned; a person replaces another
    /// person's (a review's final word); a pinned label replaces anything.
    /// </summary>
    public string ReplacesSql => Pinned ? "1 = 1"
        : Name == HumanName ? "feedback.source = 'human'"
        : "feedback.source = 'human' AND NOT feedback.pinned";
}
