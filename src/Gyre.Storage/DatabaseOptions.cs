using Gyre.Core.Errors;
using Gyre.Storage.Serving;
using Gyre.Storage.Sql;
using Gyre.Storage.Sql.Postgres;
using Gyre.Storage.Sql.Sqlite;
using Gyre.Storage.Tracking;
using Npgsql;

namespace Gyre.Storage;

/// <summary>
/// Which database holds Gyre's metadata. Without a URL, the SQLite file in the home; with a
/// <c>postgresql://</c> URL, that PostgreSQL database, shared by every process that names it.
/// </summary>
/// <param name="Url">The database URL (<c>--database</c>, <c>$GYRE_DATABASE</c>); null for the embedded home.</param>
/// <param name="Pool">The most connections this process opens to PostgreSQL (<c>--database-pool</c>).</param>
/// <param name="PasswordFile">A file whose first line is the password, when the URL has none (<c>--database-password-file</c>); else <c>$PGPASSWORD</c>.</param>
public sealed record DatabaseOptions(string? Url = null, int Pool = DatabaseOptions.DefaultPool, string? PasswordFile = null)
{
    /// <summary>
    /// The default pool: enough for a server's request threads and workers on a few cores, and small
    /// enough that ten replicas stay within PostgreSQL's default <c>max_connections</c> of 100 less its reserve.
    /// </summary>
    public const int DefaultPool = 8;

    public const int MaxPool = 1000;

    /// <summary>The URL from the environment when none was given.</summary>
    public static string? FromEnvironment() => Environment.GetEnvironmentVariable("GYRE_DATABASE") is { Length: > 0 } url ? url : null;

    public bool IsEmbedded => Url is null;

    /// <summary>Each setting that cannot work, named as the command line names it.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (Url is not null && !PostgresUrl.IsPostgres(Url))
        {
            problems.Add($"--database: expected postgresql://USER@HOST:PORT/DATABASE, got '{PostgresUrl.Redact(Url)}'");
        }
        if (Pool is < 1 or > MaxPool)
        {
            problems.Add($"--database-pool: expected 1 to {MaxPool} connections, got {Pool}");
        }
        if (PasswordFile is not null && !File.Exists(PasswordFile))
        {
            problems.Add($"--database-password-file: no file at '{PasswordFile}'");
        }
        return problems;
    }

    /// <summary>Where the metadata lives, for messages (no password).</summary>
    public string Describe(GyreHome home) => Url is null ? home.DatabasePath : PostgresUrl.Redact(Url);

    /// <summary>Opens the chosen backend; a setting that cannot work is refused first, naming its option.</summary>
    internal SqlBackend Open(GyreHome home)
    {
        GyreException.ThrowIfAny(Problems());
        if (Url is null)
        {
            return new SqlBackend(new SqliteDatabase(home.DatabasePath), new SqliteMetricWriter(), IsShared: false,
                h => new SqlitePredictionTables(h.PredictionLogPath));
        }
        var settings = PostgresUrl.Parse("--database", Url);
        if (string.IsNullOrEmpty(settings.Password) && PasswordFile is not null)
        {
            settings.Password = File.ReadLines(PasswordFile).FirstOrDefault()?.Trim() ?? "";
        }
        settings.MaxPoolSize = Pool;
        settings.ApplicationName ??= "gyre";
        // Gyre's queries are short and selective: PostgreSQL's JIT would spend tens of milliseconds
        // compiling plans that run in a few (it starts above a cost, not a time). A URL can turn it on.
        settings.Options ??= "-c jit=off";
        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        var database = new PostgresDatabase(builder.Build(), $"{settings.Host}:{settings.Port}/{settings.Database}");
        return new SqlBackend(database, new PostgresMetricWriter(), IsShared: true, _ => new PostgresPredictionTables(database));
    }
}
