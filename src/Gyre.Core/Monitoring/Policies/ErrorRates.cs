using Gyre.Core.Serving.Gateway;

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// Requests and failures per endpoint over time, sampled from the gateway's variant counters at
/// every tick (in memory: after a restart the rate is over the time since). A counter that went
/// down was reset by a canary step; its new value counts from the reset.
/// </summary>
internal sealed class ErrorRates
{
    private const int MaxSamples = 10_000;
    private readonly Dictionary<string, List<(long Time, long Requests, long Errors)>> _samples = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), (long Requests, long Errors)> _last = [];

    public void Sample(VariantWindows windows, long now)
    {
        lock (_samples)
        {
            foreach (var ((endpoint, variant), window) in windows.All)
            {
                var (requests, errors) = (window.Requests, window.Errors);
                var (lastRequests, lastErrors) = _last.GetValueOrDefault((endpoint, variant));
                var (newRequests, newErrors) = requests < lastRequests ? (requests, errors) : (requests - lastRequests, errors - lastErrors);
                _last[(endpoint, variant)] = (requests, errors);
                if (!_samples.TryGetValue(endpoint, out var list))
                {
                    _samples[endpoint] = list = [];
                }
                list.Add((now, newRequests, newErrors));
                if (list.Count > MaxSamples)
                {
                    list.RemoveRange(0, list.Count - MaxSamples);
                }
            }
        }
    }

    /// <summary>The share of failed requests since <paramref name="since"/>, and how many requests.</summary>
    public (double Rate, long Requests) Rate(string endpoint, long since)
    {
        lock (_samples)
        {
            if (!_samples.TryGetValue(endpoint, out var list))
            {
                return (0, 0);
            }
            var recent = list.Where(s => s.Time >= since).ToList();
            long requests = recent.Sum(s => s.Requests), errors = recent.Sum(s => s.Errors);
            return requests == 0 ? (0, 0) : ((double)errors / requests, requests);
        }
    }
}
