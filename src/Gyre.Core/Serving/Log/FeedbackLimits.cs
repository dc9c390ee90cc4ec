namespace Gyre.Core.Serving.Log;

/// <summary>How much feedback one request may carry (more is a 413; the CLI sends batches of this size).</summary>
public static class FeedbackLimits
{
    public const int MaxItems = 10_000;
}
