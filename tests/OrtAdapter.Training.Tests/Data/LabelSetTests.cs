using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class LabelSetTests
{
    [TestMethod]
    public void InferSortsIntegersNumerically()
    {
        var labels = LabelSet.Infer(["10", "2", "-1", "2", "0"]);

        CollectionAssert.AreEqual(new[] { "-1", "0", "2", "10" }, labels.Names.ToArray());
        Assert.AreEqual(3, labels.IdOf("10"));
    }

    [TestMethod]
    public void InferSortsNamesOrdinallyWhateverTheirOrder()
    {
        var a = LabelSet.Infer(["pos", "neg", "Neutral", "10"]);
        var b = LabelSet.Infer(["10", "Neutral", "pos", "neg", "pos"]);

        CollectionAssert.AreEqual(new[] { "10", "Neutral", "neg", "pos" }, a.Names.ToArray());
        CollectionAssert.AreEqual(a.Names.ToArray(), b.Names.ToArray());
    }

    [TestMethod]
    public void FromNamesKeepsGivenOrder()
    {
        var labels = LabelSet.FromNames(["pos", "neg"]);

        Assert.AreEqual(0, labels.IdOf("pos"));
        Assert.AreEqual("neg", labels.NameOf(1));
        Assert.IsFalse(labels.TryGetId("Pos", out _));
        Assert.ThrowsExactly<KeyNotFoundException>(() => labels.IdOf("meh"));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => labels.NameOf(2));
    }

    [TestMethod]
    public void DuplicateOrEmptyNamesAreRejected()
    {
        Assert.ThrowsExactly<ArgumentException>(() => LabelSet.FromNames(["a", "a"]));
        Assert.ThrowsExactly<ArgumentException>(() => LabelSet.FromNames(["a", " "]));
    }
}
