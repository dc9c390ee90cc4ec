namespace Gyre.Core.Learning.Training;

/// <summary>
/// A column as a trainer reads it: numeric (missing values imputed with an indicator) or
/// categorical: one-hot, or hashed into a fixed number of slots when it has more distinct values
/// than <see cref="ModelTraining.OneHotMaxDistinct"/>.
/// </summary>
public sealed record TrainingColumn(string Name, bool Categorical, bool Hashed = false);
