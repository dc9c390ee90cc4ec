using Gyre.Core.Learning.Training;

namespace Gyre.Client;

/// <summary>Trainings: ML.NET models trained on dataset versions, each a tracking run.</summary>
public sealed class TrainingsClient
{
    private readonly ApiTransport _api;

    internal TrainingsClient(ApiTransport api) => _api = api;

    /// <summary>Trains and evaluates a model; waits for the training without the client's usual timeout.</summary>
    public Task<TrainingResult> TrainAsync(TrainingRequest request, CancellationToken ct = default) =>
        _api.SendAsync<TrainingResult>(HttpMethod.Post, "/api/v1/trainings", request, ct, bounded: false);
}
