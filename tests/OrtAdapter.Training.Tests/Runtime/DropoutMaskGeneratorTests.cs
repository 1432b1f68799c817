using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Training.Tests.Runtime;

[TestClass]
public sealed class DropoutMaskGeneratorTests
{
    static byte[] Mask(int length, float rate, ulong seed, long step, long offset)
    {
        var mask = new byte[length];
        DropoutMaskGenerator.Fill(mask, length, rate, seed, step, offset);
        return mask;
    }

    /// <summary>How many elements are kept (1); fails if any element is neither 1 nor 0 (dropped).</summary>
    static int Kept(byte[] mask, float rate)
    {
        var kept = mask.Count(v => v == 1);
        Assert.AreEqual(mask.Length - kept, mask.Count(v => v == 0), $"every element is 0 (dropped) or 1 (kept), rate {rate}");
        return kept;
    }

    [TestMethod]
    public void SameSeedStepAndOffsetGiveTheSameMask()
    {
        CollectionAssert.AreEqual(Mask(10_000, 0.1f, 3, 17, 2), Mask(10_000, 0.1f, 3, 17, 2));
        // A longer buffer's prefix is the same mask: a batch's shape does not change the draws of its first elements.
        CollectionAssert.AreEqual(Mask(1000, 0.1f, 3, 17, 2), Mask(5000, 0.1f, 3, 17, 2).Take(1000).ToArray());
        // Every length, so every mix of 64- and 32-element rounds and the scalar tail, gives the prefix of a long mask:
        // one function of the index.
        var longer = Mask(1000, 0.3f, 9, 4, 1);
        for (int n = 1; n <= 200; n++) CollectionAssert.AreEqual(longer.Take(n).ToArray(), Mask(n, 0.3f, 9, 4, 1), $"length {n}");
        Assert.AreEqual(DropoutMaskGenerator.Hash(1 + 150, DropoutMaskGenerator.Keys(9, 4).K0, DropoutMaskGenerator.Keys(9, 4).K1) >= DropoutMaskGenerator.Threshold(0.3f) ? 1 : 0, longer[150], "element 150 by the scalar hash");
        // Long masks are deterministic too.
        CollectionAssert.AreEqual(Mask(3_000_001, 0.25f, 5, 1, 0), Mask(3_000_001, 0.25f, 5, 1, 0));
    }

    [TestMethod]
    public void StepsSitesAndSeedsDiffer()
    {
        // Another site is another range of the step's stream (here the next 4096 elements).
        var reference = Mask(4096, 0.5f, 3, 17, 2);
        foreach (var other in new[] { Mask(4096, 0.5f, 3, 18, 2), Mask(4096, 0.5f, 3, 17, 2 + 4096), Mask(4096, 0.5f, 4, 17, 2) })
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
        const int n = 2_500_000;
        for (long step = 0; step < 3; step++)
        {
            var kept = Kept(Mask(n, rate, 42, step, 0), rate);
            var sigma = Math.Sqrt(n * rate * (1 - rate));
            Assert.AreEqual(n * (1 - rate), kept, Tolerances.MaskSigmas * sigma, $"rate {rate}, step {step}");
        }
        // The first million on its own honours it too.
        var first = Kept(Mask(1 << 20, rate, 42, 0, 0), rate);
        Assert.AreEqual((1 << 20) * (1 - rate), first, Tolerances.MaskSigmas * Math.Sqrt((1 << 20) * rate * (1 - rate)));
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(8)]
    [DataRow(128)]
    [DataRow(384)]
    public void ElementsAPeriodApartAreIndependent(int period)
    {
        // Masks are laid out [batch, sequence, hidden] or [batch, heads, sequence, sequence]: elements 1, 8, a row or a
        // hidden vector apart must not be correlated. Both dropped: rate² of the pairs (binomial bound).
        const int n = 1_000_000;
        const float rate = 0.5f;
        var mask = Mask(n, rate, 7, 3, 1);
        int pairs = n - period, both = 0;
        for (int i = 0; i < pairs; i++) if (mask[i] == 0 && mask[i + period] == 0) both++;
        var p = rate * rate;
        Assert.AreEqual(pairs * p, both, Tolerances.MaskSigmas * Math.Sqrt(pairs * p * (1 - p)), $"period {period}");
    }

    [TestMethod]
    public void AnOffsetMaskIsThatRangeOfTheStream()
    {
        var stream = Mask(10_000, 0.3f, 5, 2, 0);
        foreach (var (offset, length) in new[] { (1, 17), (1000, 3000), (9_983, 17) })
            CollectionAssert.AreEqual(stream.Skip(offset).Take(length).ToArray(), Mask(length, 0.3f, 5, 2, offset), $"offset {offset}");
    }

    [TestMethod]
    public void RateOfOneIsRejected() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Mask(8, 1f, 1, 1, 0));

    [TestMethod]
    public void RateZeroKeepsEverythingAndOnlyThePrefixIsWritten()
    {
        // Rate 0 keeps everything; elements past the length keep their contents (a 255 sentinel).
        var mask = Enumerable.Repeat((byte)255, 10).ToArray();
        DropoutMaskGenerator.Fill(mask, 6, 0f, 1, 1, 0);
        CollectionAssert.AreEqual(new byte[] { 1, 1, 1, 1, 1, 1, 255, 255, 255, 255 }, mask);
    }
}
