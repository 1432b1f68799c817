using OrtAdapter.Testing.Checking;
using OrtAdapter.Build.Adapters;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Build.Losses;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Build.Tests.Checkpoints;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Artifacts;

/// <summary>
/// The whole training loss of a built eval graph (encoder + adapters + pooling + head + 0.9·CE + 0.1·SupCon) against
/// central differences, with random non-zero adapter and head weights, for each adapter kind (the activation applies to the bottleneck kinds). Checked on a double
/// copy (<see cref="DoublePrecision"/>): a float check of ~1e-3 coordinates through a whole encoder is below float's
/// resolution (measured: 1-8% errors on 1e-5..4e-4 coordinates, none on larger ones).
/// </summary>
[TestClass]
public sealed class ArtifactGradientTests
{
    [TestMethod]
    [DataRow("houlsby", AdapterActivation.Tanh)]
    [DataRow("houlsby", AdapterActivation.Gelu)]
    [DataRow("pfeiffer", AdapterActivation.Tanh)]
    [DataRow("lora", AdapterActivation.Tanh)]
    [DataRow("ia3", AdapterActivation.Tanh)]
    public void WholeLossGradientMatchesFiniteDifferences(string kind, AdapterActivation activation)
    {
        using var temp = new TempFolder();
        // A non-trivial encoder (std 0.2) and a smooth adapter activation: central differences across a ReLU kink are no derivative.
        var model = TinyEncoder.Write(temp["base"], options: TinyEncoder.WithStd(0.2f));
        var bottleneck = AdapterKinds.Get(kind).CommandLineOptions.Contains(AdapterSettings.ActivationOption);
        var recipe = new ArtifactRecipe { Adapter = AdapterKinds.Configure(kind, bottleneck ? new() { Activation = activation, Reduction = 4 } : new()) };
        var manifest = ArtifactBuilder.Build(model, recipe, temp["a"]);
        var eval = TinyEncoder.LoadGraph(temp["a"], manifest.EvalModel);
        var trainable = manifest.Trainable.Select(t => (t.Name, t.Dims.Select(long.Parse).ToArray())).ToList();
        ArtifactFeeds.RandomTrainables(eval, trainable, scale: 0.3, seed: 3);
        var graph = new OnnxGraph(eval);
        DoublePrecisionTwin.Apply(graph);
        var feeds = ArtifactFeeds.Batch4().Select(f => f.Data is float[] w ? new TensorFeed(f.Name, w.Select(v => (double)v).ToArray(), f.Shape) : f).ToList();

        var report = GradientChecker.Check(graph.Model, LossNames.Loss, [.. trainable.Select(t => t.Name)], feeds, WholeLoss);

        Assert.AreEqual(trainable.Count, report.Coordinates.Select(c => c.Tensor).Distinct().Count(), "every trainable tensor is sampled");
        Assert.IsGreaterThan(report.Coordinates.Count / 2, report.Coordinates.Count(c => Math.Abs(c.Analytic) > 1e-4), "the gradients are not trivially zero\n" + report.Describe());
        Assert.IsTrue(report.Passed, report.Describe());
    }

    /// <summary>
    /// Tolerances.Double with a central-difference step of 1e-4 (tolerance and floor stay): at 1e-6 the double loss's
    /// rounding noise over 2h swamps ~1e-4 coordinates; the double graph is smooth, so the larger step is exact enough.
    /// </summary>
    static GradientCheckOptions WholeLoss => new()
    {
        Step = 1e-4, Tolerance = Tolerances.Double.Tolerance, Floor = Tolerances.Double.Floor, CoordinatesPerTensor = Tolerances.Double.CoordinatesPerTensor,
    };
}
