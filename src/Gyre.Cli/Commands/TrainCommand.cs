using System.CommandLine;
using System.Globalization;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Training;

namespace Gyre.Cli.Commands;

/// <summary><c>gyre train</c>: train a model on a dataset version and show its test metrics.</summary>
internal static class TrainCommand
{
    public static Command Build()
    {
        var dataset = new Option<string>("--dataset") { Required = true, Description = "NAME, NAME@VERSION or NAME@latest (a split's train part is evaluated on its test part)" };
        var task = new Option<string>("--task") { Required = true, Description = "binary, multiclass or regression" };
        var label = new Option<string?>("--label") { Description = "The label column (default: the column with the label role)" };
        var trainer = new Option<string?>("--trainer") { Description = "lightgbm (default), fasttree or linear" };
        var features = new Option<string?>("--features") { Description = "Feature columns, comma-separated (default: every usable feature column)" };
        var hyper = new Option<string[]>("--param", "-p") { Description = "A hyperparameter, NAME=VALUE (repeatable), e.g. num_leaves=31", AllowMultipleArgumentsPerToken = false };
        var register = new Option<string?>("--register") { Description = "Register the model as the next version of this model" };
        var seed = new Option<long?>("--seed") { Description = "Seed of the split, the search and the trainer (default 0)" };
        var trials = new Option<int?>("--search-trials") { Description = "Random search: this many trials, each a nested run, before the final training" };
        var seconds = new Option<double?>("--search-seconds") { Description = "Random search: stop starting trials after this many seconds" };
        var searchMetric = new Option<string?>("--search-metric") { Description = "Random search: the validation metric to optimise (default auc, accuracy or rmse)" };
        var importance = new Option<bool>("--importance") { Description = "Measure each feature's permutation importance (scores the test part once more per feature)" };
        var experiment = new Option<string?>("--experiment", "-e") { Description = "The experiment to record the run in, made when missing (default: the default experiment)" };
        var command = new Command("train", "Train a model with ML.NET on a dataset version; a tracking run records it")
        {
            dataset, task, label, trainer, features, hyper, register, seed, trials, seconds, searchMetric, importance, experiment,
        };
        command.WithClient(async (parse, client, printer, ct) =>
        {
            var (name, version) = DatasetReference.Parse(parse.GetValue(dataset)!);
            var parameters = new Dictionary<string, double>();
            foreach (var pair in parse.GetValue(hyper) ?? [])
            {
                var at = pair.IndexOf('=', StringComparison.Ordinal);
                if (at <= 0 || !double.TryParse(pair[(at + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    throw GyreException.Invalid($"--param: expected NAME=NUMBER, got '{pair}'");
                }
                parameters[pair[..at]] = value;
            }
            var request = new TrainingRequest(name, version, parse.GetValue(task), parse.GetValue(label), parse.GetValue(trainer),
                parse.GetValue(features)?.Split(',', StringSplitOptions.TrimEntries), parameters, parse.GetValue(register), parse.GetValue(seed),
                parse.GetValue(trials) is null && parse.GetValue(seconds) is null && parse.GetValue(searchMetric) is null
                    ? null
                    : new SearchSpec(parse.GetValue(trials), parse.GetValue(seconds), parse.GetValue(searchMetric)),
                parse.GetValue(importance), parse.GetValue(experiment));
            var result = await client.Trainings.TrainAsync(request, ct);
            var metrics = Metrics(result);
            printer.Object(result,
                [("run", result.RunId), ("task", result.Task), ("trainer", result.Trainer), ("label", result.Label),
                 ("train", result.TrainDataset), ("test", result.TestDataset), ("features", string.Join(", ", result.Features)),
                 ("classes", result.Classes is { } c ? string.Join(", ", c) : null),
                 .. metrics.Select(m => (m.Key, (object?)m.Value.ToString("0.####", CultureInfo.InvariantCulture))),
                 ("training time", $"{result.TrainingSeconds:0.##} s"),
                 ("importance", result.Importance is { Count: > 0 } imp
                     ? string.Join(", ", imp.Take(5).Select(i => $"{i.Feature} {i.Drop.ToString("0.####", CultureInfo.InvariantCulture)}")) + $" (drop in {imp[0].Metric} when shuffled)"
                     : null),
                 ("bias", result.Bias is { Count: > 0 } bias ? string.Join("; ", bias.Select(Bias)) : null),
                 ("hyperparameters", result.Hyperparameters is { Count: > 0 } h ? string.Join(", ", h.Select(p => $"{p.Key}={p.Value.ToString("0.####", CultureInfo.InvariantCulture)}")) : null),
                 ("search", result.Trials is { } t ? $"{t.Count} trials, best validation {t.Max(x => x.Value).ToString("0.####", CultureInfo.InvariantCulture)}" : null),
                 ("registered", result.ModelVersion is { } v ? $"{v.Name}/{v.Version}" : null)]);
        });
        return command;
    }

    /// <summary>One sensitive column's groups on one line: each group's DPPL and disparate impact, or why there is no report.</summary>
    private static string Bias(Core.Learning.Evaluation.EvaluationBias bias) => bias.Report is { } report
        ? $"by {bias.Sensitive} ({report.Label} = {report.Favourable} favourable): " + string.Join(", ", report.Facets.Select(f =>
            $"{f.Facet} DPPL {Printer.Number(f.Posttraining?.Dppl, 3)} DI {Printer.Number(f.Posttraining?.Di, 3, "undefined")}{(f.Posttraining?.Di < 0.8 ? " (below four-fifths)" : "")}"))
        : $"by {bias.Sensitive}: none ({bias.Missing})";

    private static IEnumerable<KeyValuePair<string, double>> Metrics(TrainingResult r) =>
        r.Binary is { } b ? [new("auc", b.Auc), new("average precision", b.AveragePrecision), new("log-loss", b.LogLoss), new("accuracy", b.Accuracy), new("f1", b.F1)]
        : r.Multiclass is { } m ? [new("accuracy", m.Accuracy), new("macro f1", m.MacroF1), new("log-loss", m.LogLoss)]
        : r.Regression is { } g ? [new("rmse", g.Rmse), new("mae", g.Mae), new("r2", g.R2), new("mape", g.Mape)]
        : [];
}
