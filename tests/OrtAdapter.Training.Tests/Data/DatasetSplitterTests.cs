using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class DatasetSplitterTests
{
    static List<Example> Examples(int n) =>
        [.. Enumerable.Range(0, n).Select(i => new Example($"text {i}", null, [i % 2], null, $"x.jsonl:{i + 1}"))];

    static string[] Texts(IReadOnlyList<Example> examples) => [.. examples.Select(e => e.Text)];

    [TestMethod]
    public void SameInputAndSeedGiveTheSameSplit()
    {
        var a = DatasetSplitter.Split(Examples(200), 0.1, 0.2, seed: 7);
        var b = DatasetSplitter.Split(Examples(200), 0.1, 0.2, seed: 7);

        Assert.HasCount(140, a.Train);
        Assert.HasCount(20, a.Dev);
        Assert.HasCount(40, a.Test);
        CollectionAssert.AreEqual(Texts(a.Train), Texts(b.Train));
        CollectionAssert.AreEqual(Texts(a.Dev), Texts(b.Dev));
        CollectionAssert.AreEqual(Texts(a.Test), Texts(b.Test));
    }

    [TestMethod]
    public void SplitsAreDisjointAndCoverTheInput()
    {
        var (train, dev, test) = DatasetSplitter.Split(Examples(101), 0.15, 0.15, seed: 1);

        var all = Texts(train).Concat(Texts(dev)).Concat(Texts(test)).ToList();
        Assert.HasCount(101, all);
        Assert.HasCount(101, all.Distinct());
    }

    [TestMethod]
    public void MembershipDoesNotDependOnRowOrder()
    {
        var examples = Examples(100);
        var shuffled = examples.OrderBy(e => (e.Text.GetHashCode() * 31) ^ 12345).ToList();

        var a = DatasetSplitter.Split(examples, 0.2, 0.2, seed: 3);
        var b = DatasetSplitter.Split(shuffled, 0.2, 0.2, seed: 3);

        CollectionAssert.AreEquivalent(Texts(a.Test), Texts(b.Test));
        CollectionAssert.AreEquivalent(Texts(a.Dev), Texts(b.Dev));
    }

    [TestMethod]
    public void DifferentSeedsGiveDifferentSplits()
    {
        var a = DatasetSplitter.Split(Examples(100), 0, 0.3, seed: 1);
        var b = DatasetSplitter.Split(Examples(100), 0, 0.3, seed: 2);

        Assert.IsEmpty(a.Dev);
        CollectionAssert.AreNotEquivalent(Texts(a.Test), Texts(b.Test));
    }

    [TestMethod]
    public void SplitKeepsLabelsAndSourceOrder()
    {
        var source = new LoadResult("x.jsonl", Examples(50), [], LabelSet.FromNames(["0", "1"]));

        var splits = DatasetSplitter.Split(source, 0.2, 0.2, seed: 5);

        Assert.AreSame(source.Labels, splits.Labels);
        var indexes = splits.Train.Select(e => int.Parse(e.Text[5..], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        CollectionAssert.AreEqual(indexes.Order().ToList(), indexes);
    }

    [TestMethod]
    public void TinyInputsKeepATrainingExample()
    {
        var (train, dev, test) = DatasetSplitter.Split(Examples(2), 0.5, 0.45, seed: 0);

        Assert.HasCount(1, train);
        Assert.AreEqual(1, dev.Count + test.Count);
    }

    [TestMethod]
    public void BadFractionsAreRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Examples(10), 0.5, 0.5));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => DatasetSplitter.Split(Examples(10), -0.1, 0.2));
    }
}
