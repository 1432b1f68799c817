using OrtAdapter.Build.Losses;

namespace OrtAdapter.Build.Tests.Losses;

[TestClass]
public sealed class LossInputsTests
{
    [TestMethod]
    public void AcceptsLabelsInRange() => LossInputs.Validate([0, 2, 1, 2], 3);

    [TestMethod]
    [DataRow(3L, "Label 3 at row 102")]
    [DataRow(-1L, "Label -1 at row 102")]
    public void NamesTheBadLabelAndItsRow(long bad, string message)
    {
        long[] labels = [0, 1, bad, 2];
        var e = Assert.ThrowsExactly<LossException>(() => LossInputs.Validate(labels, 3, firstRow: 100));
        Assert.Contains(message, e.Message);
        Assert.Contains("3 classes", e.Message);
    }

    [TestMethod]
    public void ChecksMultiLabelAndRegressionTargets()
    {
        LossInputs.ValidateMultiLabel([0, 1, 1, 0, 0.5f, 1], 3);
        var e = Assert.ThrowsExactly<LossException>(() => LossInputs.ValidateMultiLabel([0, 1, 1, 0, 2, 1], 3));
        Assert.Contains("row 1, label 1", e.Message);
        LossInputs.ValidateRegression([0.5f, -3], 1);
        e = Assert.ThrowsExactly<LossException>(() => LossInputs.ValidateRegression([0.5f, float.NaN], 1, firstRow: 10));
        Assert.Contains("row 11", e.Message);
        Assert.ThrowsExactly<LossException>(() => LossInputs.ValidateRegression([1, 2, 3], 2));
    }
}
