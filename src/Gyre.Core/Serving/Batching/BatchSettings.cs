using System.Globalization;

namespace Gyre.Core.Serving.Batching;

/// <summary>
/// How concurrent requests to one variant share model calls: up to <see cref="MaxRows"/> rows a call
/// (1 is off), and how long a request that finds the model idle may wait for requests already on
/// their way to it (<see cref="MaxDelayUs"/>, microseconds; 0 batches only the requests that
/// arrived while the previous call ran). An endpoint without settings gets its model's default
/// (<see cref="Models.IPredictor.Batching"/>).
/// </summary>
public sealed record BatchSettings(int MaxRows, int MaxDelayUs = 0)
{
    public const int MostRows = 10_000;

    /// <summary>The rows a call of a model that batches by default takes (docs/benchmarks.md, "Adaptive batching").</summary>
    public const int DefaultMaxRows = 64;

    /// <summary>The wait for company of a model that batches by default: requests on their way at one connection are none, so it costs a lone request nothing.</summary>
    public const int DefaultMaxDelayUs = 200;
    public const int MostDelayUs = 100_000;

    public static readonly BatchSettings Off = new(1);

    public bool On => MaxRows > 1;

    /// <summary>Each setting that cannot work, named as <c>batching.*</c>.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (MaxRows is < 1 or > MostRows)
        {
            problems.Add($"batching.max_rows: expected 1 (off) to {MostRows.ToString(CultureInfo.InvariantCulture)}, got {MaxRows.ToString(CultureInfo.InvariantCulture)}");
        }
        if (MaxDelayUs is < 0 or > MostDelayUs)
        {
            problems.Add($"batching.max_delay_us: expected 0 to {MostDelayUs.ToString(CultureInfo.InvariantCulture)} microseconds, got {MaxDelayUs.ToString(CultureInfo.InvariantCulture)}");
        }
        return problems;
    }
}
