using System.Globalization;
using Gyre.Client;
using Gyre.Core.Pipelines.Runs;
using Spectre.Console;

namespace Gyre.Cli.Output;

/// <summary>
/// Follows a pipeline run until it ends: in a terminal, a live table of its steps (Spectre.Console);
/// otherwise (a pipe, a log file, CI) one line per step as its state changes.
/// </summary>
internal static class RunDisplay
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task<PipelineRun> FollowAsync(GyreClient client, PipelineRun run, bool quiet, CancellationToken ct)
    {
        if (quiet)
        {
            return await WaitAsync(client, run, _ => { }, ct);
        }
        if (CliConsole.Out.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            var table = Table(run);
            await CliConsole.Out.Live(table).StartAsync(async live =>
            {
                run = await WaitAsync(client, run, latest =>
                {
                    live.UpdateTarget(Table(latest));
                }, ct);
            });
            return run;
        }
        Console.Out.WriteLine($"run {run.Id} of {run.Pipeline} ({run.Trigger.Type}) started");
        var seen = run.Steps.ToDictionary(s => s.Id, s => s.State);
        return await WaitAsync(client, run, latest =>
        {
            foreach (var step in latest.Steps.Where(s => seen[s.Id] != s.State))
            {
                seen[step.Id] = step.State;
                if (step.State != StepStates.Pending)
                {
                    Console.Out.WriteLine($"  {Symbol(step.State)} {step.Id,-16} {step.State,-11} {Detail(step)}");
                }
            }
        }, ct);
    }

    private static async Task<PipelineRun> WaitAsync(GyreClient client, PipelineRun run, Action<PipelineRun> show, CancellationToken ct)
    {
        show(run);
        while (!run.Finished)
        {
            await Task.Delay(Poll, ct);
            run = await client.Pipelines.GetRunAsync(run.Id, ct);
            show(run);
        }
        return run;
    }

    private static Table Table(PipelineRun run)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"run {run.Id} of {Markup.Escape(run.Pipeline)}: {Markup.Escape(run.State)}")
            .AddColumn("STEP").AddColumn("STATE").AddColumn("TIME").AddColumn("DETAIL");
        foreach (var step in run.Steps)
        {
            table.AddRow(Markup.Escape(step.Id), $"{Symbol(step.State)} {Markup.Escape(step.State)}", Duration(step), Markup.Escape(Detail(step)));
        }
        return table;
    }

    public static string Symbol(string state) => state switch
    {
        StepStates.Succeeded => "✓",
        StepStates.Cached => "↺",
        StepStates.Failed => "✗",
        StepStates.Running => "…",
        StepStates.Skipped => "-",
        _ => "·",
    };

    public static string Detail(StepRun step) => step switch
    {
        { Error: { } error } => error,
        { State: StepStates.Skipped, StopReason: { } stop } => stop,
        { State: StepStates.Running, Attempts: > 1 } => $"attempt {step.Attempts}",
        _ => step.Summary ?? "",
    };

    public static string Duration(StepRun step) => step is { StartTime: { } start, EndTime: { } end }
        ? ((end - start) / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : "";
}
