using System.Data.Common;
using Gyre.Core.Auth;
using Gyre.Core.Errors;
using Gyre.Core.Naming;
using Gyre.Storage.Sql;

namespace Gyre.Storage.Auth;

/// <summary>API tokens; secrets are kept only as SHA-256 hashes.</summary>
internal sealed class SqlTokenStore : ITokenStore
{
    private const string Columns = "token_id, name, scope, creation_time, expiry_time, revoked_time";

    private readonly SqlDatabase _db;
    private readonly TimeProvider _time;

    public SqlTokenStore(SqlDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    public Task<CreatedToken> CreateTokenAsync(string name, TokenScope scope, long? expiryTime, CancellationToken ct)
    {
        if (Names.CheckName("name", name) is { } problem)
        {
            throw GyreException.Invalid(problem);
        }
        if (!Enum.IsDefined(scope))
        {
            throw GyreException.Invalid("scope: expected read, write or admin");
        }
        var secret = TokenSecrets.NewSecret();
        var token = new ApiToken(Guid.NewGuid().ToString("N")[..12], name, scope, _time.GetUtcNow().ToUnixTimeMilliseconds(), expiryTime, null);
        return _db.WriteAsync(async (c, t) =>
        {
            await c.ExecuteAsync($"INSERT INTO api_tokens ({Columns}, secret_hash) VALUES (@id, @n, @s, @c, @e, NULL, @h)", t, ct,
                ("@id", token.Id), ("@n", name), ("@s", ScopeText(scope)), ("@c", token.CreationTime), ("@e", expiryTime), ("@h", TokenSecrets.Hash(secret)));
            return new CreatedToken(token, secret);
        }, ct);
    }

    public Task<ApiToken> ImportTokenAsync(string name, TokenScope scope, string secret, CancellationToken ct)
    {
        if (Names.CheckName("name", name) is { } problem)
        {
            throw GyreException.Invalid(problem);
        }
        if (TokenSecrets.Check(secret) is { } weak)
        {
            throw GyreException.Invalid($"secret: {weak}");
        }
        var token = new ApiToken(Guid.NewGuid().ToString("N")[..12], name, scope, _time.GetUtcNow().ToUnixTimeMilliseconds(), null, null);
        return _db.WriteAsync(async (c, t) =>
        {
            var hash = TokenSecrets.Hash(secret);
            if ((await c.QueryAsync($"SELECT {Columns} FROM api_tokens WHERE secret_hash = @h", t, Map, ct, ("@h", hash))).FirstOrDefault() is { } known)
            {
                return known;
            }
            await c.ExecuteAsync("UPDATE api_tokens SET revoked_time = @c WHERE name = @n AND revoked_time IS NULL", t, ct,
                ("@c", token.CreationTime), ("@n", name));
            await c.ExecuteAsync($"INSERT INTO api_tokens ({Columns}, secret_hash) VALUES (@id, @n, @s, @c, NULL, NULL, @h)", t, ct,
                ("@id", token.Id), ("@n", name), ("@s", ScopeText(scope)), ("@c", token.CreationTime), ("@h", hash));
            return token;
        }, ct);
    }

    public Task<ApiToken?> FindBySecretAsync(string secret, CancellationToken ct) => _db.ReadAsync(async c =>
        (await c.QueryAsync($"SELECT {Columns} FROM api_tokens WHERE secret_hash = @h", null, Map, ct, ("@h", TokenSecrets.Hash(secret)))).FirstOrDefault(), ct);

    public Task<IReadOnlyList<ApiToken>> ListTokensAsync(CancellationToken ct) => _db.ReadAsync<IReadOnlyList<ApiToken>>(async c =>
        await c.QueryAsync($"SELECT {Columns} FROM api_tokens ORDER BY creation_time, token_id", null, Map, ct), ct);

    public Task RevokeTokenAsync(string id, CancellationToken ct) => _db.WriteAsync(async (c, t) =>
    {
        if (await c.ExecuteAsync("UPDATE api_tokens SET revoked_time = COALESCE(revoked_time, @t) WHERE token_id = @id", t, ct,
                ("@t", _time.GetUtcNow().ToUnixTimeMilliseconds()), ("@id", id)) == 0)
        {
            throw GyreException.NotFound($"token '{id}' does not exist");
        }
    }, ct);

    public Task<int> CountActiveTokensAsync(CancellationToken ct) => _db.ReadAsync(async c =>
        Convert.ToInt32(await c.ScalarAsync("SELECT COUNT(*) FROM api_tokens WHERE revoked_time IS NULL AND (expiry_time IS NULL OR expiry_time > @t)",
            null, ct, ("@t", _time.GetUtcNow().ToUnixTimeMilliseconds())), System.Globalization.CultureInfo.InvariantCulture), ct);

    private static string ScopeText(TokenScope scope) => scope.ToString().ToLowerInvariant();

    private static ApiToken Map(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), Enum.Parse<TokenScope>(r.GetString(2), ignoreCase: true),
        r.GetInt64(3), r.NullableInt64(4), r.NullableInt64(5));
}
