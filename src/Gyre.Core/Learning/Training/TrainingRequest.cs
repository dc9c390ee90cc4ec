namespace Gyre.Core.Learning.Training;

/// <summary>
/// <c>POST /api/v1/trainings</c>: train a model on a dataset version. <c>Version</c> null is the
/// latest. When the version is the train part of a split, the split's test part evaluates the
/// model; otherwise Gyre makes (and records) a seeded random 80/20 split of it first. Features
/// default to every feature-role column of a usable type; <c>Hyperparameters</c> are the trainer's
/// (see <see cref="Trainers"/>). <c>Register</c> names a model to register the result as a version of.
/// <c>Search</c> runs a random search first and trains the final model with the best hyperparameters.
/// <c>Importance</c> adds permutation importance (one more scoring of the test part per feature).
/// <c>Experiment</c> names the experiment the run is recorded in (made when missing; default: the default experiment).
/// </summary>
public sealed record TrainingRequest(
    string? Dataset,
    long? Version = null,
    string? Task = null,
    string? Label = null,
    string? Trainer = null,
    IReadOnlyList<string>? Features = null,
    IReadOnlyDictionary<string, double>? Hyperparameters = null,
    string? Register = null,
    long? Seed = null,
    SearchSpec? Search = null,
    bool Importance = false,
    string? Experiment = null);
