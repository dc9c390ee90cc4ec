using System.Collections.Concurrent;
using Gyre.Core.Auth;

namespace Gyre.Server.Auth;

/// <summary>
/// Tokens that were found valid recently, keyed by the hash of their secret, so that the hot
/// path does not read the database on every call. Misses are never cached; a revocation
/// through this server evicts at once, one made elsewhere (the CLI) takes at most the cache time.
/// </summary>
internal sealed class TokenCache(TimeProvider time, TimeSpan lifetime)
{
    private const int MaxEntries = 10_000;
    private readonly ConcurrentDictionary<string, (ApiToken Token, DateTimeOffset Until)> _entries = new(StringComparer.Ordinal);

    public async Task<ApiToken?> FindAsync(string secret, ITokenStore store, CancellationToken ct)
    {
        var hash = TokenSecrets.Hash(secret);
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(hash, out var cached) && cached.Until > now)
        {
            return cached.Token;
        }
        var token = await store.FindBySecretAsync(secret, ct);
        if (token is not null && lifetime > TimeSpan.Zero)
        {
            if (_entries.Count >= MaxEntries)
            {
                foreach (var stale in _entries.Where(e => e.Value.Until <= now).Select(e => e.Key).ToList())
                {
                    _entries.TryRemove(stale, out _);
                }
            }
            if (_entries.Count < MaxEntries)
            {
                _entries[hash] = (token, now + lifetime);
            }
        }
        return token;
    }

    /// <summary>The token with this secret if it is still active (neither revoked nor expired), else null.</summary>
    public async Task<ApiToken?> FindActiveAsync(string secret, ITokenStore store, CancellationToken ct) =>
        await FindAsync(secret, store, ct) is { } token && token.IsActive(time.GetUtcNow().ToUnixTimeMilliseconds()) ? token : null;

    public void Evict(string tokenId)
    {
        foreach (var entry in _entries.Where(e => e.Value.Token.Id == tokenId).ToList())
        {
            _entries.TryRemove(entry.Key, out _);
        }
    }
}
