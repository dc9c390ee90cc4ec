namespace Gyre.Core.Learning.Training;

/// <summary>A column as a trainer reads it: numeric (missing values imputed with an indicator) or categorical (one-hot).</summary>
public sealed record TrainingColumn(string Name, bool Categorical);
