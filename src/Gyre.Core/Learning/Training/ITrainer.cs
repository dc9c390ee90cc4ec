namespace Gyre.Core.Learning.Training;

/// <summary>Trains and scores a model on prepared files (ML.NET in Gyre.Learning).</summary>
public interface ITrainer
{
    Task<TrainedModel> TrainAsync(TrainingData data, CancellationToken ct);
}
