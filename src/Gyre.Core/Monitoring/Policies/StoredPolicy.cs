namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// A stored policy: its file, what it last saw and did (the cool-down and new-window rules read
/// this), who saved it and with which scope (its actions run with that scope), and why it is
/// disabled, when it is. A policy stored before authors were recorded counts as written by a write token.
/// </summary>
public sealed record StoredPolicy(string Name, string Yaml, long CreationTime, long? LastFiring, long LastWindowSeen,
    string? Author = null, Auth.TokenScope AuthorScope = Auth.TokenScope.Write, string? Disabled = null);
