using System.Globalization;

namespace Gyre.Cli.Demo;

/// <summary>The demo's pipelines and policy: train and ship v1; on drift, retrain on what happened since, gate against the champion, canary.</summary>
internal static class DemoPipelines
{
    public const string Endpoint = "credit";
    public const string Train = "credit-train";
    public const string Retrain = "credit-retrain";
    public const string Policy = "credit-drift";

    public static string TrainYaml => """
        name: credit-train
        description: Train the first credit-default model and serve it
        params: {label: default}
        steps:
          - {id: data, uses: ingest, with: {dataset: credit@latest}}
          - {id: split, uses: split, needs: [data], with: {method: stratified, test: 0.2, seed: 1}}
          - {id: train, uses: train, needs: [split], with: {task: binary, register: credit, hyperparameters: {min_data_per_leaf: 10}}}
          - {id: eval, uses: evaluate, needs: [train, split]}
          - {id: ship, uses: deploy, needs: [eval], with: {endpoint: credit}}
        """;

    /// <summary>Retrains on the endpoint's predictions joined with their late feedback since the drift began; the gate compares with the champion on that recent data.</summary>
    public static string RetrainYaml(double bakeSeconds) => string.Create(CultureInfo.InvariantCulture, $$$"""
        name: credit-retrain
        description: Retrain on recent labelled traffic when drift is found, and canary the new model if it beats the champion
        params: {label: default}
        concurrency: skip
        steps:
          - {id: data, uses: ingest, with: {dataset: credit-recent, endpoint: credit, since: drift}}
          - {id: split, uses: split, needs: [data], with: {method: stratified, test: 0.3, seed: 1}}
          - {id: train, uses: train, needs: [split], with: {task: binary, register: credit, hyperparameters: {min_data_per_leaf: 10} }}
          - {id: eval, uses: evaluate, needs: [train, split]}
          - {id: gate, uses: gate, needs: [eval], with: {metric: accuracy, min_absolute_change: 0.02}}
          - id: ship
            uses: deploy
            needs: [gate]
            with: {endpoint: credit, strategy: canary, steps: [50, 100], bake_seconds: {{{bakeSeconds}}}, min_requests: 8, max_latency_ratio: 20, max_error_rate_increase: 0.05, min_labelled: 100000}
        """);

    public static string PolicyYaml => """
        name: credit-drift
        endpoint: credit
        when:
          - dataset_drift: true
        then:
          - {run_pipeline: credit-retrain}
        cooldown_seconds: 3600
        """;
}
