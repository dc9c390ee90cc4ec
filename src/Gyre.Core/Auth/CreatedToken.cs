namespace Gyre.Core.Auth;

/// <summary>A token just made, with the secret that is never shown again.</summary>
public sealed record CreatedToken(ApiToken Token, string Secret);
