using Gyre.Core.Errors;

namespace Gyre.Core.Coordination;

/// <summary>What one Gyre process does among the replicas sharing a database (<c>--roles</c>).</summary>
[Flags]
public enum ReplicaRoles
{
    None = 0,

    /// <summary>Serves the REST API and the dashboard.</summary>
    Api = 1,

    /// <summary>Serves inference (<c>/endpoints/...</c>, <c>/v2/...</c>) from its routing table.</summary>
    Gateway = 2,

    /// <summary>Runs background work: rollouts, monitors, policies, triggers.</summary>
    Worker = 4,

    All = Api | Gateway | Worker,
}

public static class ReplicaRoleNames
{
    public const string Api = "api";
    public const string Gateway = "gateway";
    public const string Worker = "worker";

    private static readonly (string Name, ReplicaRoles Role)[] Named = [(Api, ReplicaRoles.Api), (Gateway, ReplicaRoles.Gateway), (Worker, ReplicaRoles.Worker)];

    public static IReadOnlyList<string> All { get; } = [.. Named.Select(n => n.Name)];

    /// <summary>Reads a comma-separated list of roles (<c>api,gateway</c>); invalid_argument naming the unknown one.</summary>
    public static ReplicaRoles Parse(string field, string? text)
    {
        var roles = ReplicaRoles.None;
        foreach (var name in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var known = Named.FirstOrDefault(n => n.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            roles |= known.Name is not null ? known.Role
                : throw GyreException.Invalid($"{field}: unknown role '{name}'; expected a comma-separated list of {string.Join(", ", All)}");
        }
        return roles != ReplicaRoles.None ? roles
            : throw GyreException.Invalid($"{field}: expected a comma-separated list of {string.Join(", ", All)}, got '{text}'");
    }

    /// <summary>The roles as <c>--roles</c> spells them.</summary>
    public static string Format(ReplicaRoles roles) => string.Join(",", Named.Where(n => roles.HasFlag(n.Role)).Select(n => n.Name));
}
