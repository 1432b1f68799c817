using OrtAdapter.Inference;
using OrtAdapter.Training.Data;
using Parquet.Schema;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class ParquetReaderTests
{
    static readonly ParquetSchema TextLabel = new(new DataField<string>("text"), new DataField<long?>("label"));

    // The untyped serializer takes string list items as nullable ReadOnlyMemory<char>.
    static ReadOnlyMemory<char>?[] Strings(params string[] items) => [.. items.Select(i => (ReadOnlyMemory<char>?)i.AsMemory())];

    static Dictionary<string, object?> Row(string? text, long? label) => new() { ["text"] = text, ["label"] = label };

    [TestMethod]
    public void ReadsTextAndIntegerLabels()
    {
        using var dir = new TempDir();
        var path = TestData.WriteParquet(dir.File("good.parquet"), TextLabel, [Row("great", 1), Row("awful", 0), Row("fine", 1)]);

        var result = DatasetReader.Read(path);

        CollectionAssert.AreEqual(new[] { "0", "1" }, result.Labels!.Names.ToArray());
        CollectionAssert.AreEqual(new[] { 1, 0, 1 }, result.Examples.Select(e => e.LabelId).ToArray());
        Assert.AreEqual("good.parquet:row index 1", result.Examples[1].Origin);
    }

    [TestMethod]
    public void ReadsFloatTargetsAndListLabels()
    {
        using var dir = new TempDir();
        var schema = new ParquetSchema(new DataField<string>("text"), new DataField<double>("score"), new ListField("tags", new DataField<string>("element")));
        var path = TestData.WriteParquet(dir.File("mixed.parquet"), schema,
        [
            new Dictionary<string, object?> { ["text"] = "a", ["score"] = 0.5, ["tags"] = Strings("x", "y") },
            new Dictionary<string, object?> { ["text"] = "b", ["score"] = -2.0, ["tags"] = Strings("y") },
        ]);

        var targets = DatasetReader.Read(path, new DatasetOptions { LabelColumn = "score", Task = TaskKind.Regression });
        var tags = DatasetReader.Read(path, new DatasetOptions { LabelColumn = "tags", Task = TaskKind.MultiLabel });

        CollectionAssert.AreEqual(new float?[] { 0.5f, -2f }, targets.Examples.Select(e => e.Target).ToArray());
        CollectionAssert.AreEqual(new[] { 0, 1 }, tags.Examples[0].LabelIds);
        CollectionAssert.AreEqual(new[] { 1 }, tags.Examples[1].LabelIds);
    }

    static string WriteMalformed(TempDir dir) => TestData.WriteParquet(dir.File("bad.parquet"), TextLabel,
        [Row("good", 1), Row(null, 0), Row("", 1), Row("no label", null), Row("also good", 0)], rowGroupSize: 2);

    [TestMethod]
    public void MalformedRowsFailWithFileAndRowIndex()
    {
        using var dir = new TempDir();
        var path = WriteMalformed(dir);

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));

        Assert.AreEqual(3, TestData.RowGroupCount(path), "row indexes must run on across row groups");
        Assert.Contains(path, e.Message);
        Assert.Contains("bad.parquet:row index 1: column 'text' is null", e.Message);
        Assert.Contains("bad.parquet:row index 2: column 'text' is empty", e.Message);
        Assert.Contains("bad.parquet:row index 3: column 'label' is null", e.Message);
    }

    [TestMethod]
    public void SkipModeKeepsGoodRowsAndCountsBadOnes()
    {
        using var dir = new TempDir();
        var path = WriteMalformed(dir);

        var result = DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true });

        CollectionAssert.AreEqual(new[] { "good", "also good" }, result.Examples.Select(e => e.Text).ToArray());
        Assert.HasCount(3, result.BadRows);
    }

    [TestMethod]
    public void MissingColumnAndUnreadableFileAreClearErrors()
    {
        using var dir = new TempDir();
        var path = TestData.WriteParquet(dir.File("cols.parquet"), TextLabel, [Row("a", 1)]);
        var junk = dir.Write("junk.parquet", "not parquet at all");

        var missing = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { LabelColumn = "stars" }));
        var unreadable = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(junk));

        Assert.Contains("cols.parquet: no column 'stars' (columns: text, label)", missing.Message);
        Assert.Contains("junk.parquet: not a readable Parquet file", unreadable.Message);
    }
}
