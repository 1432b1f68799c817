using OrtAdapter.Bench;
using OrtAdapter.Inference.Runtime;

namespace OrtAdapter.Training.Tests.Bench;

[TestClass]
public sealed class PrecisionProbeTests
{
    [TestMethod]
    public void EveryPrimitiveAtEveryW1ShapeIsMeasuredOrSaysWhyNot()
    {
        var figures = PrecisionProbe.Measure(ExecutionDevice.Cpu, m: 64, runs: 1);
        Assert.HasCount(PrecisionProbe.W1Shapes.Length * Enum.GetValues<MatMulPrecision>().Length, figures);
        foreach (var f in figures)
            Assert.IsTrue(f.GflopPerSecond > 0 || !string.IsNullOrEmpty(f.Unsupported), f.ToString());
        // float32 is the reference; int8 with per-column weight scales stays within a few percent of it.
        foreach (var f in figures.Where(f => f.Precision == MatMulPrecision.Float32)) Assert.AreEqual(0, f.RelativeError, f.ToString());
        foreach (var f in figures.Where(f => f.Precision == MatMulPrecision.Int8))
        {
            Assert.IsNotNull(f.GflopPerSecond, f.ToString());
            Assert.IsLessThan(0.03, f.RelativeError!.Value, f.ToString());
        }
    }

    [TestMethod]
    public void PerColumnQuantizationKeepsEachColumnsLargestWeightExact()
    {
        float[] w = [0.5f, -2f, 0.25f, 1f, -0.125f, 0f];
        var (q, scales) = PrecisionProbe.QuantizePerColumn(w, k: 2, n: 3);
        CollectionAssert.AreEqual(new[] { 1f / 127, 2f / 127, 0.25f / 127 }, scales);
        CollectionAssert.AreEqual(new sbyte[] { 64, -127, 127, 127, -8, 0 }, q);
    }
}
