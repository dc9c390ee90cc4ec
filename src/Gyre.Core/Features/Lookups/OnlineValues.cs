using Gyre.Core.Features.Online;

namespace Gyre.Core.Features.Lookups;

/// <summary>Reads a group's online store, honouring its time-to-live: a value older than it at the time of reading counts as missing.</summary>
public sealed class OnlineValues(IOnlineFeatureStore online, TimeProvider time)
{
    /// <summary>The rows of the keys asked for; a key with none, or with only an expired one, is absent (<paramref name="expired"/> gets those that expired).</summary>
    public async Task<IReadOnlyDictionary<string, OnlineFeatureRow>> GetAsync(FeatureGroup group, IReadOnlyCollection<string> keys, ICollection<OnlineFeatureRow>? expired, CancellationToken ct)
    {
        var rows = await online.GetAsync(group.Name, keys, ct);
        if (group.TtlSeconds is not { } ttl)
        {
            return rows;
        }
        var oldest = time.GetUtcNow().ToUnixTimeMilliseconds() - ttl * 1000;
        if (rows.Values.All(r => r.EventTime >= oldest))
        {
            return rows;
        }
        var fresh = new Dictionary<string, OnlineFeatureRow>(StringComparer.Ordinal);
        foreach (var (key, row) in rows)
        {
            if (row.EventTime >= oldest)
            {
                fresh[key] = row;
            }
            else
            {
                expired?.Add(row);
            }
        }
        return fresh;
    }
}
