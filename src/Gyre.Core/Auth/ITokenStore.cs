namespace Gyre.Core.Auth;

/// <summary>Where API tokens live. Secrets are stored as SHA-256 hashes only.</summary>
public interface ITokenStore
{
    Task<CreatedToken> CreateTokenAsync(string name, TokenScope scope, long? expiryTime, CancellationToken ct);

    /// <summary>
    /// Registers a secret made elsewhere (a deployment's secret file) as a token named
    /// <paramref name="name"/>, once: a secret already registered returns its token as it is, revoked
    /// or not, so that restarting a server never brings a revoked token back. A new secret under the
    /// same name replaces the old: the name's other active tokens are revoked in the same transaction,
    /// so rotating the file's secret retires the one it replaces.
    /// </summary>
    Task<ApiToken> ImportTokenAsync(string name, TokenScope scope, string secret, CancellationToken ct);

    /// <summary>The token whose secret this is, if it exists (active or not).</summary>
    Task<ApiToken?> FindBySecretAsync(string secret, CancellationToken ct);

    Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct);

    Task RevokeTokenAsync(string id, CancellationToken ct);

    Task<int> CountActiveTokensAsync(CancellationToken ct);
}
