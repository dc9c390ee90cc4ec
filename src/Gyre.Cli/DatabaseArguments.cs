using System.CommandLine;
using Gyre.Storage;

namespace Gyre.Cli;

/// <summary>The options that choose the metadata database, for every command that opens the stores itself.</summary>
internal sealed class DatabaseArguments
{
    private readonly Option<string?> _url = new("--database")
    {
        Description = "Keep metadata in this PostgreSQL database, postgresql://USER@HOST:PORT/DB[?sslmode=require…] (default: $GYRE_DATABASE, else the home's SQLite file)",
    };

    private readonly Option<int?> _pool = new("--database-pool")
    {
        Description = $"The most connections this process opens to PostgreSQL (default {DatabaseOptions.DefaultPool}); replicas × pool must stay below max_connections",
    };

    private readonly Option<string?> _passwordFile = new("--database-password-file")
    {
        Description = "A file holding the database password, when the URL has none (else $PGPASSWORD)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_url);
        command.Options.Add(_pool);
        command.Options.Add(_passwordFile);
    }

    public DatabaseOptions Read(ParseResult parse) => new(
        parse.GetValue(_url) ?? DatabaseOptions.FromEnvironment(),
        parse.GetValue(_pool) ?? DatabaseOptions.DefaultPool,
        parse.GetValue(_passwordFile));
}
