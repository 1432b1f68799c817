using OrtAdapter.Training.Schedules;

namespace OrtAdapter.Training.Tests.Schedules;

[TestClass]
public sealed class LearningRateScheduleTests
{
    const double Peak = 1e-3;

    static LearningRateSchedule Schedule(long total, LearningRateDecay decay = LearningRateDecay.Linear, double fraction = 0.1, long? warmup = null) =>
        new(Peak, total, new LearningRateScheduleOptions { Decay = decay, WarmupFraction = fraction, WarmupSteps = warmup });

    [TestMethod]
    public void LinearWarmupThenLinearDecayMatchesTorch()
    {
        // torch: lr * step / warmup for step < warmup, else lr * max(0, (total - step) / (total - warmup)).
        var s = Schedule(100);

        Assert.AreEqual(10, s.WarmupSteps);
        Assert.AreEqual(0.0, s.At(0));
        Assert.AreEqual(Peak * 1 / 10, s.At(1));
        Assert.AreEqual(Peak * 9 / 10, s.At(9));
        Assert.AreEqual(Peak, s.At(10));
        Assert.AreEqual(Peak * (100 - 55) / 90.0, s.At(55));
        Assert.AreEqual(Peak * 1 / 90.0, s.At(99));
        Assert.AreEqual(0.0, s.At(100));
        Assert.AreEqual(0.0, s.At(1000));
    }

    [TestMethod]
    public void WarmupIsAFractionOfTotalStepsRoundedUp()
    {
        Assert.AreEqual(75, Schedule(750).WarmupSteps);
        Assert.AreEqual(4, Schedule(31).WarmupSteps);
        Assert.AreEqual(3, Schedule(30).WarmupSteps);
        Assert.AreEqual(0, Schedule(30, fraction: 0).WarmupSteps);
        Assert.AreEqual(7, Schedule(30, warmup: 7).WarmupSteps);
    }

    [TestMethod]
    public void WithoutWarmupTheFirstStepGetsThePeak()
    {
        var s = Schedule(4, fraction: 0);

        Assert.AreEqual(Peak, s.At(0));
        Assert.AreEqual(Peak * 3 / 4, s.At(1));
        Assert.AreEqual(Peak / 4, s.At(3));
    }

    [TestMethod]
    public void CosineDecayFollowsHalfACosine()
    {
        var s = Schedule(110, LearningRateDecay.Cosine, warmup: 10);

        Assert.AreEqual(Peak * 5 / 10, s.At(5));
        Assert.AreEqual(Peak, s.At(10));
        Assert.AreEqual(Peak * 0.5 * (1 + Math.Cos(Math.PI / 4)), s.At(35), 1e-18);
        Assert.AreEqual(Peak * 0.5, s.At(60), 1e-18);
        Assert.AreEqual(0.0, s.At(110), 1e-18);
        Assert.AreEqual(0.0, s.At(500), 1e-18);
    }

    [TestMethod]
    public void ConstantKeepsThePeakAfterWarmup()
    {
        var s = Schedule(100, LearningRateDecay.Constant);

        Assert.AreEqual(Peak / 2, s.At(5));
        Assert.AreEqual(Peak, s.At(10));
        Assert.AreEqual(Peak, s.At(99));
        Assert.AreEqual(Peak, Schedule(100, LearningRateDecay.Constant, fraction: 0).At(0));
    }

    [TestMethod]
    public void BadArgumentsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Schedule(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Schedule(10, fraction: 1.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Schedule(10).At(-1));
    }
}
