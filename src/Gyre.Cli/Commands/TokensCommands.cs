using System.CommandLine;
using Gyre.Core.Auth;
using Gyre.Core.Errors;

namespace Gyre.Cli.Commands;

/// <summary>
/// <c>gyre tokens create|list|revoke</c>. These work on the home folder directly, not through the
/// server: whoever can write the home is its administrator, and the first token has to come from somewhere.
/// </summary>
internal static class TokensCommands
{
    public static Command Build()
    {
        var command = new Command("tokens", "Create, list and revoke API tokens (works on the home folder or --database directly)");
        command.Subcommands.Add(Create());
        command.Subcommands.Add(List());
        command.Subcommands.Add(Revoke());
        return command;
    }

    private static Command Create()
    {
        var home = CliOptions.Home();
        var database = new DatabaseArguments();
        var name = new Option<string>("--name") { Required = true, Description = "Who or what the token is for" };
        var scope = new Option<string>("--scope") { Description = "read, write or admin", DefaultValueFactory = _ => "write" };
        var days = new Option<int?>("--expires-in-days") { Description = "Expire the token after this many days (default: never)" };
        var command = new Command("create", "Create a token; its secret is printed once") { home, name, scope, days };
        database.AddTo(command);
        command.WithoutClient(async (parse, printer, ct) =>
        {
            var scopeText = parse.GetValue(scope)!;
            if (!Enum.TryParse<TokenScope>(scopeText, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || int.TryParse(scopeText, out _))
            {
                throw GyreException.Invalid($"--scope: expected read, write or admin, got '{scopeText}'");
            }
            if (parse.GetValue(days) is <= 0 or > 36_500)
            {
                throw GyreException.Invalid("--expires-in-days: expected a number of days from 1 to 36500");
            }
            var expiry = parse.GetValue(days) is { } d ? DateTimeOffset.UtcNow.AddDays(d).ToUnixTimeMilliseconds() : (long?)null;
            using var storage = await LocalStorage.OpenAsync(parse.GetValue(home), database.Read(parse), ct);
            var created = await storage.Tokens.CreateTokenAsync(parse.GetValue(name)!, parsed, expiry, ct);
            if (printer.IsJson)
            {
                printer.Done("", created);
                return;
            }
            Console.Out.WriteLine($"Token {created.Token.Id} ({created.Token.Name}, scope {scopeText.ToLowerInvariant()}) created. Its secret, shown only now:");
            Console.Out.WriteLine(created.Secret);
            Console.Out.WriteLine("Use it with: export GYRE_TOKEN=<secret>");
        }, json: true);
        return command;
    }

    private static Command List()
    {
        var home = CliOptions.Home();
        var database = new DatabaseArguments();
        var command = new Command("list", "List tokens (never their secrets)") { home };
        database.AddTo(command);
        command.WithoutClient(async (parse, printer, ct) =>
        {
            using var storage = await LocalStorage.OpenAsync(parse.GetValue(home), database.Read(parse), ct);
            var tokens = await storage.Tokens.ListTokensAsync(ct);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            printer.List(tokens, null, "No tokens. Create one with `gyre tokens create --name NAME --scope admin`.",
                ("ID", t => t.Id), ("NAME", t => t.Name), ("SCOPE", t => Printer.Wire(t.Scope)),
                ("STATE", t => t.IsActive(now) ? "active" : t.RevokedTime is not null ? "revoked" : "expired"),
                ("CREATED", t => Printer.Time(t.CreationTime)), ("EXPIRES", t => Printer.Time(t.ExpiryTime)));
        }, json: true);
        return command;
    }

    private static Command Revoke()
    {
        var home = CliOptions.Home();
        var database = new DatabaseArguments();
        var id = new Argument<string>("id");
        var command = new Command("revoke", "Revoke a token (servers stop accepting it within 10 seconds)") { home, id };
        database.AddTo(command);
        command.WithoutClient(async (parse, printer, ct) =>
        {
            using var storage = await LocalStorage.OpenAsync(parse.GetValue(home), database.Read(parse), ct);
            await storage.Tokens.RevokeTokenAsync(parse.GetValue(id)!, ct);
            printer.Done($"Token {parse.GetValue(id)} revoked.");
        }, json: true);
        return command;
    }
}
