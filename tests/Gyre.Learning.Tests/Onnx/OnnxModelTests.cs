using System.Globalization;
using System.Text.Json;
using Gyre.Core.Errors;
using Gyre.Core.Learning.Evaluation;
using Gyre.Core.Models;
using Gyre.Learning.Onnx;

namespace Gyre.Learning.Tests.Onnx;

/// <summary>
/// Real models exported from PyTorch, with the outputs ONNX Runtime computed for them in Python
/// (Fixtures/onnx, copied from the project's shared fixtures): Gyre must give the same to 1e-5.
/// </summary>
public sealed class OnnxModelTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    /// <summary>The features (the model's input order), the label and the reference outputs of each held-out row.</summary>
    private static (double[][] Features, double[] Labels, double[][] Reference) Rows(string model)
    {
        var lines = File.ReadAllLines(Path.Combine(Fixtures, Path.ChangeExtension(model, ".csv")));
        var header = lines[0].Split(',');
        var label = Array.IndexOf(header, "label");
        var rows = lines.Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        return (rows.Select(r => r[..label]).ToArray(), rows.Select(r => r[label]).ToArray(), rows.Select(r => r[(label + 1)..]).ToArray());
    }

    private static OnnxModel Load(string model) => OnnxModel.Load(File.ReadAllBytes(Path.Combine(Fixtures, model)));

    [Theory]
    [InlineData("breast_cancer_mlp.onnx", 30, 1)]
    [InlineData("wine_mlp.onnx", 13, 3)]
    [InlineData("diabetes_mlp.onnx", 10, 1)]
    public void Outputs_MatchOnnxRuntimeInPython(string model, int width, int outputs)
    {
        using var onnx = Load(model);
        var input = Assert.Single(onnx.Signature.Inputs);
        Assert.Equal(("features", TensorDataTypes.Fp32, $"-1,{width}"), (input.Name, input.DataType, string.Join(',', input.Shape)));
        var output = Assert.Single(onnx.Signature.Outputs);
        Assert.Equal(("score", TensorDataTypes.Fp32, $"-1,{outputs}"), (output.Name, output.DataType, string.Join(',', output.Shape)));

        var (features, _, reference) = Rows(model);
        var result = Assert.Single(onnx.Run([new Tensor("features", [features.Length, width], [.. features.SelectMany(r => r)])]));
        Assert.Equal([features.Length, (long)outputs], result.Shape);
        for (var i = 0; i < features.Length; i++)
        {
            for (var k = 0; k < outputs; k++)
            {
                var expected = reference[i][k];
                var actual = result.Values[(i * outputs) + k];
                Assert.True(Math.Abs(actual - expected) <= 1e-5 * Math.Max(1, Math.Abs(expected)), $"{model} row {i} output {k}: expected {expected:R}, got {actual:R}");
            }
        }
    }

    [Fact]
    public void Quality_OnTheHeldOutRows_IsTheManifests()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Fixtures, "manifest.json"))).RootElement.EnumerateArray()
            .ToDictionary(m => m.GetProperty("model").GetString()!, m => m.GetProperty("quality_on_test").GetDouble());

        using (var binary = Load("breast_cancer_mlp.onnx"))
        {
            var (features, labels, _) = Rows("breast_cancer_mlp.onnx");
            var scores = binary.Run([new Tensor("features", [features.Length, 30], [.. features.SelectMany(r => r)])])[0].Values;
            Assert.Equal(manifest["breast_cancer_mlp.onnx"], Metrics.Binary([.. labels.Select(l => l == 1)], scores).Accuracy, 9);
        }
        using (var multiclass = Load("wine_mlp.onnx"))
        {
            var (features, labels, _) = Rows("wine_mlp.onnx");
            var scores = multiclass.Run([new Tensor("features", [features.Length, 13], [.. features.SelectMany(r => r)])])[0].Values;
            var probabilities = Enumerable.Range(0, features.Length).Select(i => (IReadOnlyList<double>)scores[(i * 3)..((i * 3) + 3)]).ToList();
            Assert.Equal(manifest["wine_mlp.onnx"], Metrics.Multiclass([.. labels.Select(l => (int)l)], probabilities, 3).Accuracy, 9);
        }
        using var regression = Load("diabetes_mlp.onnx");
        var (x, y, _) = Rows("diabetes_mlp.onnx");
        var predicted = regression.Run([new Tensor("features", [x.Length, 10], [.. x.SelectMany(r => r)])])[0].Values;
        Assert.Equal(manifest["diabetes_mlp.onnx"], Metrics.Regression(y, predicted).Rmse, 3);
    }

    [Fact]
    public void BadInputs_AreInvalidArguments_NamingTheInput()
    {
        using var onnx = Load("wine_mlp.onnx");
        var wrongWidth = Assert.Throws<GyreException>(() => onnx.Run([new Tensor("features", [2, 12], new double[24])]));
        Assert.Equal("features: expected shape [-1, 13] (FP32), got [2, 12] with 24 values", wrongWidth.Message);
        var wrongCount = Assert.Throws<GyreException>(() => onnx.Run([new Tensor("features", [2, 13], new double[25])]));
        Assert.Contains("got [2, 13] with 25 values", wrongCount.Message, StringComparison.Ordinal);
        var named = Assert.Throws<GyreException>(() => onnx.Run([new Tensor("x", [1, 13], new double[13])]));
        Assert.Contains("inputs: the model needs 'features' (FP32 [-1, 13])", named.Message, StringComparison.Ordinal);
        Assert.Contains("inputs: 'x' is not an input of the model; its inputs are features", named.Message, StringComparison.Ordinal);

        var notOnnx = Assert.Throws<GyreException>(() => OnnxModel.Load("this is not a model"u8.ToArray()));
        Assert.Equal(ErrorCode.InvalidArgument, notOnnx.Code);
        Assert.StartsWith("model: not an ONNX model ONNX Runtime can load", notOnnx.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneSession_ServesManyThreads()
    {
        using var onnx = Load("diabetes_mlp.onnx");
        var (features, _, reference) = Rows("diabetes_mlp.onnx");
        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var row = i % features.Length;
            var value = onnx.Run([new Tensor("features", [1, 10], features[row])])[0].Values[0];
            Assert.True(Math.Abs(value - reference[row][0]) <= 1e-5 * Math.Max(1, Math.Abs(reference[row][0])));
        });
    }
}
