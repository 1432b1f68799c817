using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Training.Tests.Runtime;

[TestClass]
public sealed class DropoutMaskGeneratorTests
{
    static bool[] Mask(int length, float rate, ulong seed, long step, int site)
    {
        var keep = new bool[length];
        DropoutMaskGenerator.Fill(keep, length, rate, seed, step, site);
        return keep;
    }

    [TestMethod]
    public void SameSeedStepAndSiteGiveTheSameMask()
    {
        CollectionAssert.AreEqual(Mask(10_000, 0.1f, 3, 17, 2), Mask(10_000, 0.1f, 3, 17, 2));
        // A longer buffer's prefix is the same mask: a batch's shape does not change the draws of its first elements.
        CollectionAssert.AreEqual(Mask(1000, 0.1f, 3, 17, 2), Mask(5000, 0.1f, 3, 17, 2).Take(1000).ToArray());
        // Multi-chunk masks (filled in parallel) are deterministic too.
        CollectionAssert.AreEqual(Mask(3_000_001, 0.25f, 5, 1, 0), Mask(3_000_001, 0.25f, 5, 1, 0));
    }

    [TestMethod]
    public void StepsSitesAndSeedsDiffer()
    {
        var reference = Mask(4096, 0.5f, 3, 17, 2);
        foreach (var other in new[] { Mask(4096, 0.5f, 3, 18, 2), Mask(4096, 0.5f, 3, 17, 3), Mask(4096, 0.5f, 4, 17, 2) })
        {
            var agree = reference.Zip(other).Count(p => p.First == p.Second);
            // Independent masks at rate 0.5 agree on half the elements: 2048 ± 32 (1 sigma).
            Assert.IsLessThan(2048 + Tolerances.MaskSigmas * 32, agree);
            Assert.IsGreaterThan(2048 - Tolerances.MaskSigmas * 32, agree);
        }
    }

    [TestMethod]
    [DataRow(0.1f)]
    [DataRow(0.5f)]
    [DataRow(0.9f)]
    public void KeptFractionHonoursTheRate(float rate)
    {
        const int n = 2_500_000; // three chunks
        for (long step = 0; step < 3; step++)
        {
            var kept = Mask(n, rate, 42, step, 0).Count(k => k);
            var sigma = Math.Sqrt(n * rate * (1 - rate));
            Assert.AreEqual(n * (1 - rate), kept, Tolerances.MaskSigmas * sigma, $"rate {rate}, step {step}");
        }
        // Each chunk on its own honours it too (no chunk is stuck at all-keep).
        var first = Mask(1 << 20, rate, 42, 0, 0).Count(k => k);
        Assert.AreEqual((1 << 20) * (1 - rate), first, Tolerances.MaskSigmas * Math.Sqrt((1 << 20) * rate * (1 - rate)));
    }

    [TestMethod]
    public void RateZeroKeepsEverythingAndOnlyThePrefixIsWritten()
    {
        var keep = new bool[10];
        DropoutMaskGenerator.Fill(keep, 6, 0f, 1, 1, 0);
        CollectionAssert.AreEqual(new[] { true, true, true, true, true, true, false, false, false, false }, keep);
    }
}
