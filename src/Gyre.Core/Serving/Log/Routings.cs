namespace Gyre.Core.Serving.Log;

/// <summary>
/// Why a variant answered, as a logged prediction's <see cref="PredictionRecord.Routing"/> says:
/// the endpoint's only live variant, a weighted draw, a routing key's hash (sticky), the model
/// version the caller asked for (the Open Inference Protocol's versioned routes), or a shadow's
/// copy, which is logged but never returned.
/// </summary>
public static class Routings
{
    public const string Single = "single";
    public const string Weighted = "weighted";
    public const string Sticky = "sticky";
    public const string Shadow = "shadow";
    public const string Version = "version";

    /// <summary>The same value as UTF-8, for readers of encoded records.</summary>
    public static ReadOnlySpan<byte> ShadowUtf8 => "shadow"u8;
}
