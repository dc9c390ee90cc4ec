using Gyre.Core.Auth;
using Gyre.Core.Errors;

namespace Gyre.Server.Hosting;

/// <summary>
/// <c>--admin-token-file</c> (or <c>$GYRE_ADMIN_TOKEN_FILE</c>): an admin token whose secret a
/// deployment keeps in a secret store and mounts as a file, so that a server in a container needs no
/// `gyre tokens create` before its first start. The secret is registered once, under the name
/// <see cref="Name"/>; revoking it stays revoked, and a new secret in the file is a new token that
/// revokes the one before (rotation).
/// </summary>
public static class AdminTokenFile
{
    public const string Name = "admin-token-file";

    public static string? FromEnvironment() => Environment.GetEnvironmentVariable("GYRE_ADMIN_TOKEN_FILE") is { Length: > 0 } path ? path : null;

    public static async Task ImportAsync(string path, ITokenStore tokens, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            throw GyreException.Invalid($"--admin-token-file: no file at '{path}'");
        }
        var secret = (await File.ReadAllLinesAsync(path, ct)).FirstOrDefault()?.Trim() ?? "";
        if (TokenSecrets.Check(secret) is { } problem)
        {
            throw GyreException.Invalid($"--admin-token-file: {problem} in the first line of '{path}'");
        }
        await tokens.ImportTokenAsync(Name, TokenScope.Admin, secret, ct);
    }
}
