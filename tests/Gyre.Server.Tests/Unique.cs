namespace Gyre.Server.Tests;

/// <summary>Names that do not collide between tests sharing one server.</summary>
internal static class Unique
{
    public static string Name(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}
