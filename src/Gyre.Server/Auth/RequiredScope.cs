using Gyre.Core.Auth;

namespace Gyre.Server.Auth;

/// <summary>
/// Endpoint metadata naming the scope a call needs. Without it, reads (GET, HEAD and searches
/// marked <see cref="TokenScope.Read"/>) need read and everything else needs write.
/// </summary>
internal sealed record RequiredScope(TokenScope Scope);

/// <summary>Endpoint metadata for calls and pages that need no token (health, the OpenAPI document, the sign-in page).</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class Anonymous : Attribute;
