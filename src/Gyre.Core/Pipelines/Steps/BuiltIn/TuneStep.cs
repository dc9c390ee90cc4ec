using Gyre.Core.Learning.Training;
using Gyre.Core.Registry;

namespace Gyre.Core.Pipelines.Steps.BuiltIn;

/// <summary><c>tune</c>: <c>train</c> after a random search over the trainer's hyperparameters.</summary>
internal sealed class TuneStep(StepArtifacts artifacts, ModelTraining training, ModelImport import) : TrainStep(artifacts, training, import)
{
    protected override bool Tune => true;
}
