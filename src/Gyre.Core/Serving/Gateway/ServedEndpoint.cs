using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gyre.Core.Errors;
using Gyre.Core.Models;
using Gyre.Core.Serving.Batching;
using Gyre.Core.Serving.Endpoints;
using Gyre.Core.Serving.Log;

namespace Gyre.Core.Serving.Gateway;

/// <summary>A variant with its loaded model, and the batcher its calls go through when batching is on.</summary>
public sealed class ServedVariant(EndpointVariant variant, IPredictor predictor, BatchSettings? batching = null)
{
    public EndpointVariant Variant { get; } = variant;

    public IPredictor Predictor { get; } = predictor;

    /// <summary>The model as answers name it, <c>NAME/VERSION</c>.</summary>
    public string Model { get; } = $"{variant.ModelName}/{variant.ModelVersion}";

    /// <summary>The variant's batcher; null when batching is off.</summary>
    public ModelBatcher? Batcher { get; } = (batching ?? predictor.Batching) is { On: true } on ? new ModelBatcher(predictor, on) : null;
}

/// <summary>
/// What the gateway serves for one endpoint: an immutable snapshot, replaced whole when the
/// endpoint changes, so a request sees one consistent set of variants and weights.
/// </summary>
public sealed class ServedEndpoint
{
    private readonly int[] _cumulative;

    /// <param name="endpoint">The endpoint as stored.</param>
    /// <param name="predictors">The loaded model of each of its variants, in their order; each is served with the endpoint's batching (its model's default when it has none).</param>
    public ServedEndpoint(Endpoint endpoint, IReadOnlyList<IPredictor> predictors)
    {
        Endpoint = endpoint;
        IReadOnlyList<ServedVariant> variants = [.. endpoint.Variants.Zip(predictors, (v, p) => new ServedVariant(v, p, endpoint.Batching))];
        Live = [.. variants.Where(v => v.Variant.Role == VariantRoles.Live)];
        Shadows = [.. variants.Where(v => v.Variant.Role == VariantRoles.Shadow && v.Variant.Weight > 0)];
        var sum = 0;
        _cumulative = [.. Live.Select(v => sum += Math.Max(v.Variant.Weight, 0))];
    }

    public Endpoint Endpoint { get; }

    public IReadOnlyList<ServedVariant> Live { get; }

    public IReadOnlyList<ServedVariant> Shadows { get; }

    /// <summary>
    /// The variant that answers: by weight, drawn with <paramref name="draw"/> in [0, 1), or, when
    /// the request carries a routing key, by the key's hash, so that one key always meets the same
    /// variant while the weights stay. Returns the routing decision for the log.
    /// </summary>
    public (ServedVariant Variant, string Routing) Route(string? routingKey, double draw)
    {
        var total = _cumulative.Length == 0 ? 0 : _cumulative[^1];
        if (Live.Count == 1 || total == 0)
        {
            return (Live[0], Routings.Single);
        }
        var point = routingKey is null ? draw * total : KeyPoint(routingKey) * total;
        for (var i = 0; i < _cumulative.Length; i++)
        {
            if (point < _cumulative[i])
            {
                return (Live[i], routingKey is null ? Routings.Weighted : Routings.Sticky);
            }
        }
        return (Live[^1], routingKey is null ? Routings.Weighted : Routings.Sticky);
    }

    /// <summary>
    /// The live variant that serves model version <paramref name="version"/>, whatever the weights
    /// (a caller that names a version bypasses the split); not_found naming the versions served when
    /// none does. Of two live variants on one version, the heavier answers.
    /// </summary>
    public ServedVariant Serving(string version)
    {
        foreach (var variant in Live.OrderByDescending(v => v.Variant.Weight))
        {
            if (VersionText(variant) == version)
            {
                return variant;
            }
        }
        throw GyreException.NotFound($"version '{version}': endpoint '{Endpoint.Name}' serves model version {string.Join(", ", Versions)}");
    }

    /// <summary>The model versions the live variants serve, heaviest first, each once.</summary>
    public IReadOnlyList<string> Versions => [.. Live.OrderByDescending(v => v.Variant.Weight).Select(VersionText).Distinct()];

    private static string VersionText(ServedVariant variant) => variant.Variant.ModelVersion.ToString(CultureInfo.InvariantCulture);

    /// <summary>A key's stable place in [0, 1): the same on every replica and after every restart.</summary>
    public static double KeyPoint(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return (BitConverter.ToUInt64(hash) >> 11) / (double)(1UL << 53);
    }
}
