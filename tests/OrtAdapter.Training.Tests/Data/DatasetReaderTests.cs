using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class DatasetReaderTests
{
    [TestMethod]
    public void UnknownExtensionAndMissingFileNameTheFile()
    {
        using var dir = new TempDir();
        var odd = dir.Write("data.xlsx", "x");

        var extension = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(odd));
        var missing = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(dir.File("gone.jsonl")));

        Assert.Contains("data.xlsx: unknown data file extension '.xlsx'", extension.Message);
        Assert.Contains("gone.jsonl: file not found", missing.Message);
    }

    [TestMethod]
    public void SplitFilesShareTheTrainingLabelSet()
    {
        using var dir = new TempDir();
        var train = dir.Write("train.jsonl", "{\"text\": \"a\", \"label\": \"pos\"}\n{\"text\": \"a2\", \"label\": \"neutral\"}\n{\"text\": \"a3\", \"label\": \"neg\"}\n");
        var dev = dir.Write("dev.csv", "text,label\nb,neg\n");
        var test = dir.Write("test.tsv", "text\tlabel\nc\tneutral\n");

        var splits = DatasetReader.ReadSplits(train, dev, test);

        CollectionAssert.AreEqual(new[] { "neg", "neutral", "pos" }, splits.Labels!.Names.ToArray());
        Assert.AreEqual(2, splits.Train[0].LabelId);
        Assert.AreEqual(0, splits.Dev[0].LabelId);
        Assert.AreEqual(1, splits.Test[0].LabelId);
    }

    [TestMethod]
    public void ALabelTheTrainingDataLacksIsNamedWithItsFileAndLine()
    {
        // A class with no training rows cannot be learned: it is a fault of the dev file, not a reason for more outputs.
        using var dir = new TempDir();
        var train = dir.Write("train.jsonl", "{\"text\": \"a\", \"label\": 0}\n{\"text\": \"b\", \"label\": 1}\n");
        var dev = dir.Write("dev.jsonl", "{\"text\": \"c\", \"label\": 1}\n{\"text\": \"d\", \"label\": 2}\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.ReadSplits(train, dev, null));

        Assert.Contains("dev.jsonl:2: column 'label' has label '2', which the training data (train.jsonl) does not have (its labels: ", e.Message);
    }

    [TestMethod]
    public void SplitFilesAreAllCheckedBeforeFailing()
    {
        using var dir = new TempDir();
        var train = dir.Write("train.jsonl", "{\"text\": \"a\", \"label\": 1}\n{\"text\": \"\", \"label\": 0}\n{\"text\": \"z\", \"label\": 0}\n");
        var dev = dir.Write("dev.jsonl", "{\"text\": \"b\", \"label\": 0}\n{\"text\": \"c\"}\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.ReadSplits(train, dev, null));

        Assert.Contains($"{train}: 1 bad row", e.Message);
        Assert.Contains($"{dev}: 1 bad row", e.Message);
        Assert.Contains("train.jsonl:2: column 'text' is empty", e.Message);
        Assert.Contains("dev.jsonl:2: column 'label' is missing", e.Message);
    }

    [TestMethod]
    public void MessageListsOnlyTheFirstBadRows()
    {
        using var dir = new TempDir();
        var path = dir.Write("many.jsonl", string.Concat(Enumerable.Repeat("{\"text\": \"\", \"label\": 1}\n", 25)) + "{\"text\": \"ok\", \"label\": 1}\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { MaxReportedBadRows = 3 }));

        Assert.Contains("many.jsonl:3:", e.Message);
        Assert.DoesNotContain("many.jsonl:4:", e.Message);
        Assert.Contains("... and 22 more", e.Message);
        Assert.HasCount(25, e.BadRows);
    }

    [TestMethod]
    public void FileWithOnlyBadRowsFailsEvenWhenSkipping()
    {
        using var dir = new TempDir();
        var path = dir.Write("none.jsonl", "{\"text\": \"\", \"label\": 1}\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true }));

        Assert.Contains("none.jsonl: no usable rows", e.Message);
    }

    [TestMethod]
    public void LoadsTheBundledSentimentData()
    {
        var folder = Path.Combine(TestData.RepoRoot(), "data", "sentiment-uci");

        var splits = DatasetReader.ReadSplits(Path.Combine(folder, "train.jsonl"), Path.Combine(folder, "dev.jsonl"), Path.Combine(folder, "test.jsonl"));

        Assert.HasCount(2400, splits.Train);
        Assert.HasCount(300, splits.Dev);
        Assert.HasCount(300, splits.Test);
        CollectionAssert.AreEqual(new[] { "negative", "positive" }, splits.Labels!.Names.ToArray(), "named classes, ids 0 and 1 as before");
        Assert.IsEmpty(splits.BadRows);
        Assert.AreEqual("train.jsonl:1", splits.Train[0].Origin);
    }
}
