namespace Gyre.Core.Monitoring.Policies;

/// <summary>
/// A policy as the API shows it: the file, what it reads as, when it last fired, who saved it with
/// which scope, and why it is disabled (null when it is not).
/// </summary>
public sealed record PolicyInfo(string Name, string Endpoint, PolicyDefinition Definition, string Yaml, long CreationTime, long? LastFiring,
    string? Author, Auth.TokenScope AuthorScope, string? Disabled)
{
    public static PolicyInfo Of(StoredPolicy stored)
    {
        var definition = PolicyYaml.Parse(stored.Yaml);
        return new PolicyInfo(stored.Name, definition.Endpoint, definition, stored.Yaml, stored.CreationTime, stored.LastFiring,
            stored.Author, stored.AuthorScope, stored.Disabled);
    }
}

/// <summary><c>POST /api/v1/policies</c>: a policy file's text.</summary>
public sealed record ApplyPolicyRequest(string? Yaml);
