namespace Gyre.Core.Monitoring.Policies;

/// <summary>A policy as the API shows it: the file, what it reads as, and when it last fired.</summary>
public sealed record PolicyInfo(string Name, string Endpoint, PolicyDefinition Definition, string Yaml, long CreationTime, long? LastFiring)
{
    public static PolicyInfo Of(StoredPolicy stored)
    {
        var definition = PolicyYaml.Parse(stored.Yaml);
        return new PolicyInfo(stored.Name, definition.Endpoint, definition, stored.Yaml, stored.CreationTime, stored.LastFiring);
    }
}

/// <summary><c>POST /api/v1/policies</c>: a policy file's text.</summary>
public sealed record ApplyPolicyRequest(string? Yaml);
