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
        root.Subcommands.Add(DemoCommand.Build());
        root.Subcommands.Add(ExperimentsCommands.Build());
        root.Subcommands.Add(RunsCommands.Build());
        root.Subcommands.Add(ModelsCommands.Build());
        root.Subcommands.Add(DataCommands.Build());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(PredictCommand.Build());
        root.Subcommands.Add(EndpointsCommands.Build());
        root.Subcommands.Add(PipelinesCommands.Build());
        root.Subcommands.Add(LineageCommand.Build());
        root.Subcommands.Add(MonitorCommands.Build());
        root.Subcommands.Add(PoliciesCommands.Build());
        root.Subcommands.Add(TokensCommands.Build());

        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            var command = string.Join(' ', result.CommandResult.Command.Name == root.Name ? [] : CommandPath(result.CommandResult));
            await Console.Error.WriteLineAsync($"gyre: error: {result.Errors[0].Message} (see 'gyre {command}{(command.Length > 0 ? " " : "")}--help')");
            return ExitCodes.Usage;
        }
        // The server stops on SIGTERM and Ctrl+C by itself (it drains first); the parser's own
        // handler would end the process after two seconds, in the middle of the drain.
        var serving = result.CommandResult.Command.Name == "server";
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = serving ? null : TimeSpan.FromSeconds(2) });
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
