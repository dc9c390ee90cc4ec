namespace Gyre.Core.Auth;

/// <summary>
/// A stored API token. Only a hash of the secret is kept; the secret is shown once, at creation.
/// Times are milliseconds since the Unix epoch.
/// </summary>
public sealed record ApiToken(string Id, string Name, TokenScope Scope, long CreationTime, long? ExpiryTime, long? RevokedTime)
{
    public bool IsActive(long nowMs) => RevokedTime is null && (ExpiryTime is null || ExpiryTime > nowMs);
}
