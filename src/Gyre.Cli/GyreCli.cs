using System.CommandLine;
using Gyre.Cli.Commands;

namespace Gyre.Cli;

/// <summary>The <c>gyre</c> command tree. Parse errors and failures end with one readable line on stderr and a non-zero exit.</summary>
internal static class GyreCli
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Gyre, the MLOps loop for .NET: datasets, training, a model registry, serving and experiment tracking.");
        root.Options.Add(CliOptions.Server);
        root.Options.Add(CliOptions.Json);
        root.Subcommands.Add(ServerCommand.Build());
        root.Subcommands.Add(ServerCommand.BuildWorker());
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(ExperimentsCommands.Build());
        root.Subcommands.Add(RunsCommands.Build());
        root.Subcommands.Add(ModelsCommands.Build());
        root.Subcommands.Add(DataCommands.Build());
        root.Subcommands.Add(FeaturesCommands.Build());
        root.Subcommands.Add(LabelsCommands.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(PredictCommand.Build());
        root.Subcommands.Add(EndpointsCommands.Build());
        root.Subcommands.Add(PipelinesCommands.Build());
        root.Subcommands.Add(LineageCommand.Build());
        root.Subcommands.Add(MonitorCommands.Build());
        root.Subcommands.Add(PoliciesCommands.Build());
        root.Subcommands.Add(TokensCommands.Build());
        root.Subcommands.Add(MigrateCommand.Build());
        root.Subcommands.Add(HealthCommand.Build());
        root.Subcommands.Add(HomeCommands.Build());
        root.Subcommands.Add(GcCommand.Build());

        // No response files: '@FILE' is a value of ours (--data @rows.json), not a file of arguments.
        var result = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (result.Errors.Count > 0)
        {
            var command = string.Join(' ', result.CommandResult.Command.Name == root.Name ? [] : CommandPath(result.CommandResult));
            await Console.Error.WriteLineAsync($"gyre: error: {Unknown(result) ?? result.Errors[0].Message} (see 'gyre {command}{(command.Length > 0 ? " " : "")}--help')");
            return ExitCodes.Usage;
        }
        // The server stops on SIGTERM and Ctrl+C by itself (it drains first); the parser's own
        // handler would end the process after two seconds, in the middle of the drain.
        var serving = result.CommandResult.Command.Name == "server";
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = serving ? null : TimeSpan.FromSeconds(2) });
    }

    /// <summary>
    /// For a word the parser did not know: which command or option it is not, and the nearest one
    /// that exists ("unknown command 'experimnts'; did you mean 'experiments'?"); null otherwise.
    /// </summary>
    private static string? Unknown(ParseResult result)
    {
        if (result.UnmatchedTokens is not [var token, ..])
        {
            return null;
        }
        var command = result.CommandResult.Command;
        var (kind, names) = token.StartsWith('-')
            ? ("option", command.Options.SelectMany(o => o.Aliases.Prepend(o.Name)))
            : command.Subcommands.Count > 0 ? ("command", command.Subcommands.Select(c => c.Name)) : ("argument", []);
        var nearest = names.Select(n => (Name: n, Distance: Distance(token, n))).Where(n => n.Distance <= Math.Max(2, token.Length / 3))
            .OrderBy(n => n.Distance).Select(n => n.Name).FirstOrDefault();
        return $"unknown {kind} '{token}'{(nearest is null ? "" : $"; did you mean '{nearest}'?")}";
    }

    /// <summary>Levenshtein's edit distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (var current = result; current?.Parent is System.CommandLine.Parsing.CommandResult parent; current = parent)
        {
            names.Push(current.Command.Name);
        }
        return names;
    }
}
