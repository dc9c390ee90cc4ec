using Gyre.Core.Pipelines.Steps.BuiltIn;

namespace Gyre.Core.Pipelines.Steps;

/// <summary>The step types a pipeline file can use, by name.</summary>
public static class BuiltInSteps
{
    public static IReadOnlyDictionary<string, IStepType> Create(StepServices services)
    {
        IStepType[] types =
        [
            new IngestStep(services), new ValidateStep(services), new SplitStep(services), new TrainStep(services, tune: false),
            new TrainStep(services, tune: true), new EvaluateStep(services), new GateStep(services), new RegisterStep(services),
            new DeployStep(services), new CommandStep(services),
        ];
        return types.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }
}
