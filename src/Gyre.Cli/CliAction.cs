using System.CommandLine;
using Gyre.Client;
using Gyre.Core.Errors;

namespace Gyre.Cli;

/// <summary>
/// Runs a command's work with a client made from the global options, and turns every failure
/// into one line on stderr and a non-zero exit code.
/// </summary>
internal static class CliAction
{
    public static void WithClient(this Command command, Func<ParseResult, GyreClient, Printer, CancellationToken, Task> work)
    {
        command.Options.Add(CliOptions.Server);
        command.Options.Add(CliOptions.Json);
        command.SetAction(async (parse, ct) =>
        {
            string? server = null;
            return await GuardAsync(async () =>
            {
                var options = GyreClientOptions.FromEnvironment(parse.GetValue(CliOptions.Server));
                server = options.Server.ToString();
                using var client = new GyreClient(options);
                await work(parse, client, new Printer(parse.GetValue(CliOptions.Json)), ct);
            }, () => server);
        });
    }

    /// <summary>A command that works without a server (on a home, or being one); <paramref name="json"/> when it prints results.</summary>
    public static void WithoutClient(this Command command, Func<ParseResult, Printer, CancellationToken, Task> work, bool json = false)
    {
        if (json)
        {
            command.Options.Add(CliOptions.Json);
        }
        command.SetAction(async (parse, ct) =>
            await GuardAsync(() => work(parse, new Printer(json && parse.GetValue(CliOptions.Json)), ct), () => null));
    }

    private static async Task<int> GuardAsync(Func<Task> work, Func<string?> server)
    {
        try
        {
            await work();
            return ExitCodes.Ok;
        }
        catch (GyreException e)
        {
            await Console.Error.WriteLineAsync($"gyre: error: {e.Code.WireName()}: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (HttpRequestException e)
        {
            await Console.Error.WriteLineAsync($"gyre: error: cannot reach the Gyre server at {server() ?? "?"}: {e.Message} (start one with `gyre server`, or set --server / $GYRE_SERVER)");
            return ExitCodes.Unreachable;
        }
        catch (TaskCanceledException) when (server() is not null)
        {
            await Console.Error.WriteLineAsync($"gyre: error: the Gyre server at {server()} did not answer in time");
            return ExitCodes.Unreachable;
        }
        catch (IOException e)
        {
            await Console.Error.WriteLineAsync($"gyre: error: {e.Message}");
            return ExitCodes.Failed;
        }
        catch (UnauthorizedAccessException e)
        {
            await Console.Error.WriteLineAsync($"gyre: error: {e.Message}");
            return ExitCodes.Failed;
        }
    }
}
