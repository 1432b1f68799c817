using OrtAdapter.Inference;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class JsonLinesReaderTests
{
    [TestMethod]
    public void ReadsTextPairsAndNamedLabels()
    {
        using var dir = new TempDir();
        var path = dir.Write("pairs.jsonl", """
            {"premise": "A man sleeps.", "hypothesis": "Someone rests.", "gold": "entailment"}

            {"premise": "A dog runs.", "hypothesis": "A cat sits.", "gold": "contradiction", "extra": [1, 2]}
            {"premise": "Kids play.", "hypothesis": "It is noon.", "gold": "neutral"}
            """);

        var result = DatasetReader.Read(path, new DatasetOptions { TextColumn = "premise", TextPairColumn = "hypothesis", LabelColumn = "gold" });

        CollectionAssert.AreEqual(new[] { "contradiction", "entailment", "neutral" }, result.Labels!.Names.ToArray());
        Assert.HasCount(3, result.Examples);
        Assert.IsEmpty(result.BadRows);
        var second = result.Examples[1];
        Assert.AreEqual("A dog runs.", second.Text);
        Assert.AreEqual("A cat sits.", second.TextPair);
        Assert.AreEqual(0, second.LabelId);
        Assert.IsNull(second.Target);
        Assert.AreEqual("pairs.jsonl:3", second.Origin); // the blank line 2 still counts
    }

    [TestMethod]
    public void IntegerLabelsKeepNumericOrder()
    {
        using var dir = new TempDir();
        var path = dir.Write("n.jsonl", """
            {"text": "a", "label": 10}
            {"text": "b", "label": 2}
            {"text": "c", "label": "9"}
            {"text": "d", "label": 2.0}
            """);

        var result = DatasetReader.Read(path);

        CollectionAssert.AreEqual(new[] { "2", "9", "10" }, result.Labels!.Names.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 0, 1, 0 }, result.Examples.Select(e => e.LabelId).ToArray());
    }

    [TestMethod]
    public void ReadsMultiLabelListsAndDelimitedStrings()
    {
        using var dir = new TempDir();
        var path = dir.Write("m.jsonl", """
            {"text": "a", "label": ["sports", "politics"]}
            {"text": "b", "label": "tech, sports"}
            {"text": "c", "label": []}
            {"text": "d", "label": "[\"tech\", \"tech\"]"}
            """);

        var result = DatasetReader.Read(path, new DatasetOptions { Task = TaskKind.MultiLabel });

        CollectionAssert.AreEqual(new[] { "politics", "sports", "tech" }, result.Labels!.Names.ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1 }, result.Examples[0].LabelIds);
        CollectionAssert.AreEqual(new[] { 1, 2 }, result.Examples[1].LabelIds);
        Assert.IsEmpty(result.Examples[2].LabelIds);
        CollectionAssert.AreEqual(new[] { 2 }, result.Examples[3].LabelIds);
    }

    [TestMethod]
    public void ReadsRegressionTargets()
    {
        using var dir = new TempDir();
        var path = dir.Write("r.jsonl", """
            {"text": "a", "score": 0.25}
            {"text": "b", "score": 3}
            {"text": "c", "score": "-1.5e0"}
            """);

        var result = DatasetReader.Read(path, new DatasetOptions { LabelColumn = "score", Task = TaskKind.Regression });

        Assert.IsNull(result.Labels);
        CollectionAssert.AreEqual(new float?[] { 0.25f, 3f, -1.5f }, result.Examples.Select(e => e.Target).ToArray());
        Assert.IsEmpty(result.Examples[0].LabelIds);
    }

    const string Malformed = """
        {"text": "good", "label": "pos"}
        {"text": "broken", "label":
        {"label": "neg"}
        {"text": "   ", "label": "neg"}
        {"text": "no label"}
        {"text": "object label", "label": {"x": 1}}
        [1, 2]
        {"text": 5, "label": "pos"}
        {"text": "null label", "label": null}
        {"text": "also good", "label": "neg"}
        """;

    [TestMethod]
    public void MalformedRowsFailWithFileAndLines()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.jsonl", Malformed);

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));

        Assert.Contains(path, e.Message);
        Assert.Contains("8 bad rows", e.Message);
        Assert.Contains("bad.jsonl:2: unparsable JSON", e.Message);
        Assert.Contains("bad.jsonl:3: column 'text' is missing", e.Message);
        Assert.Contains("bad.jsonl:4: column 'text' is empty", e.Message);
        Assert.Contains("bad.jsonl:5: column 'label' is missing", e.Message);
        Assert.Contains("bad.jsonl:6: column 'label' has a value of type object", e.Message);
        Assert.Contains("bad.jsonl:7: expected a JSON object", e.Message);
        Assert.Contains("bad.jsonl:8: column 'text' has an integer, expected text", e.Message);
        Assert.Contains("bad.jsonl:9: column 'label' is null", e.Message);
        Assert.HasCount(8, e.BadRows);
    }

    [TestMethod]
    public void SkipModeKeepsGoodRowsAndCountsBadOnes()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.jsonl", Malformed);

        var result = DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true });

        CollectionAssert.AreEqual(new[] { "good", "also good" }, result.Examples.Select(e => e.Text).ToArray());
        CollectionAssert.AreEqual(new[] { "2", "3", "4", "5", "6", "7", "8", "9" }, result.BadRows.Select(b => b.Location).ToArray());
        Assert.AreEqual(path, result.BadRows[0].File);
    }

    [TestMethod]
    public void FixedLabelSetRejectsUnknownLabelsAndKeepsItsOrder()
    {
        using var dir = new TempDir();
        var path = dir.Write("f.jsonl", """
            {"text": "a", "label": "pos"}
            {"text": "b", "label": "meh"}
            {"text": "c", "label": "neg"}
            """);
        var options = new DatasetOptions { Labels = LabelSet.FromNames(["pos", "neg"]), SkipBadRows = true };

        var result = DatasetReader.Read(path, options);

        CollectionAssert.AreEqual(new[] { 0, 1 }, result.Examples.Select(e => e.LabelId).ToArray());
        Assert.HasCount(1, result.BadRows);
        Assert.AreEqual("f.jsonl:2: column 'label' has unknown label 'meh' (known: pos, neg)", result.BadRows[0].ToString());
    }

    [TestMethod]
    public void ListLabelForSingleLabelTaskIsBad()
    {
        using var dir = new TempDir();
        var path = dir.Write("l.jsonl", "{\"text\": \"a\", \"label\": \"x\"}\n{\"text\": \"b\", \"label\": [\"x\"]}\n{\"text\": \"c\", \"label\": 0.5}\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));

        Assert.Contains("l.jsonl:2: column 'label' has a list", e.Message);
        Assert.Contains("l.jsonl:3: column 'label' has the non-integer number 0.5", e.Message);
    }
}
