using System.Buffers.Binary;
using OrtAdapter.Training.Metrics;
using OrtAdapter.Training.Reporting;

namespace OrtAdapter.Training.Tests.Reporting;

[TestClass]
public sealed class TrainingPlotsTests
{
    static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Set to a folder to keep the images for a look.</summary>
    static readonly string? KeepIn = Environment.GetEnvironmentVariable("ORTADAPTER_KEEP_PLOTS");

    static List<MetricsEntry> SimulatedRun()
    {
        var random = new Random(1);
        var entries = new List<MetricsEntry>();
        for (var step = 1; step <= 750; step++)
        {
            var loss = 0.7 * Math.Exp(-step / 300.0) + 0.1 + 0.15 * (random.NextDouble() - 0.5);
            entries.Add(new(step, (step - 1) / 75, MetricsEntry.TrainSplit, new Dictionary<string, double> { [MetricNames.Loss] = loss }));
            if (step % 75 != 0) continue;
            var accuracy = 0.5 + 0.25 * (1 - Math.Exp(-step / 250.0));
            entries.Add(new(step, step / 75 - 1, MetricsEntry.DevSplit, new Dictionary<string, double>
            {
                [MetricNames.Loss] = 0.72 * Math.Exp(-step / 400.0) + 0.25,
                [MetricNames.Accuracy] = accuracy,
                [MetricNames.MacroF1] = accuracy - 0.02,
            }));
        }
        return entries;
    }

    static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(PngSignature, bytes[..8]);
        Assert.AreEqual("IHDR", System.Text.Encoding.ASCII.GetString(bytes, 12, 4));
        Assert.AreEqual(width, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)));
        Assert.AreEqual(height, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20)));
        Assert.IsGreaterThan(10_000, bytes.Length, "A plot with axes, text and curves is more than a blank image.");
        if (KeepIn is not null) File.Copy(path, Path.Combine(KeepIn, Path.GetFileName(path)), overwrite: true);
    }

    [TestMethod]
    public void CurvesAreWrittenAsAPng()
    {
        using var folder = new TempFolder();
        var path = folder.File("curves.png");

        TrainingPlots.WriteCurves(path, SimulatedRun());

        AssertPng(path, 1000, 800);
    }

    [TestMethod]
    public void CurvesOfARunWithoutEvaluationsYetAreWritten()
    {
        using var folder = new TempFolder();
        var path = folder.File("early.png");

        TrainingPlots.WriteCurves(path, [.. SimulatedRun().Take(40)], new TrainingPlotOptions { Width = 640, CurvesHeight = 480 });

        AssertPng(path, 640, 480);
    }

    [TestMethod]
    public void TheBestStepIsMarkedAndOneEvaluationIsNotZoomedOnto()
    {
        using var folder = new TempFolder();
        var oneEpoch = SimulatedRun().TakeWhile(e => e.Split != MetricsEntry.DevSplit).Concat(SimulatedRun().Where(e => e.Split == MetricsEntry.DevSplit).Take(1)).ToList();
        var best = oneEpoch.Last().Step;
        var plain = folder.File("plain.png");
        var marked = folder.File("marked.png");

        TrainingPlots.WriteCurves(plain, oneEpoch);
        TrainingPlots.WriteCurves(marked, oneEpoch, new TrainingPlotOptions { BestStep = best });

        AssertPng(marked, 1000, 800);
        CollectionAssert.AreNotEqual(File.ReadAllBytes(plain), File.ReadAllBytes(marked), "the marker is drawn");
    }

    [TestMethod]
    public void TheConfusionMatrixIsWrittenAsAPng()
    {
        using var folder = new TempFolder();
        var path = folder.File("confusion.png");

        TrainingPlots.WriteConfusion(path, new long[,] { { 120, 31, 4 }, { 18, 97, 9 }, { 2, 11, 8 } }, ["negative", "positive", "neutral"]);

        AssertPng(path, 500, 500);
    }

    [TestMethod]
    public void ConfusionInputIsChecked()
    {
        Assert.ThrowsExactly<ArgumentException>(() => TrainingPlots.WriteConfusion("x.png", new long[2, 3]));
        Assert.ThrowsExactly<ArgumentException>(() => TrainingPlots.WriteConfusion("x.png", new long[2, 2], ["a"]));
    }

    [TestMethod]
    public void SmoothingStartsAtTheFirstValueAndFollowsTheTrend()
    {
        var smoothed = LossSmoothing.ExponentialMovingAverage([1.0, 1.0, double.NaN, 0.0], 0.5);

        Assert.AreEqual(1.0, smoothed[0], 1e-12);
        Assert.AreEqual(1.0, smoothed[1], 1e-12);
        Assert.IsTrue(double.IsNaN(smoothed[2]));
        Assert.AreEqual(0.75 * 0.5 / (1 - 0.125), smoothed[3], 1e-12);
    }
}
