using Gyre.Core.Auth;

namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// Who saved a policy: the token's name (null for the local user when authentication is off) and
/// its scope. A policy acts with its author's scope when it fires, never more.
/// </summary>
public sealed record PolicyAuthor(string? Token, TokenScope Scope);
