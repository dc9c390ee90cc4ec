using Gyre.Core.Auth;

namespace Gyre.Core.Api;

/// <summary><c>POST /api/v1/tokens</c> (admin scope).</summary>
public sealed record CreateTokenRequest(string? Name, TokenScope? Scope, long? ExpiryTime = null);
