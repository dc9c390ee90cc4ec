namespace Gyre.Core.Pipelines.Steps;

/// <summary>The type a step parameter's value must have; the pipeline file is checked against it before anything runs.</summary>
public enum ParameterKind
{
    String,
    Number,
    Integer,
    Boolean,

    /// <summary>A list of strings; a single string is a list of one.</summary>
    Strings,

    /// <summary>A list of numbers.</summary>
    Numbers,

    /// <summary>A mapping from names to numbers (hyperparameters).</summary>
    NumberMap,

    /// <summary>A mapping from names to strings (environment variables, output files).</summary>
    StringMap,

    /// <summary>A command line: one string run by the shell, or a list of arguments run as they are.</summary>
    Command,
}
