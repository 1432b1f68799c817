using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

/// <summary>Teacher-logit and target-embedding columns: lists in JSONL, JSON arrays in CSV cells, bad rows located.</summary>
[TestClass]
public sealed class VectorColumnTests
{
    static readonly DatasetOptions Vectors = new() { VectorColumns = new Dictionary<string, string> { ["teacher_logits"] = "teacher", ["target_embedding"] = "target" } };

    static readonly Dictionary<string, string> Teacher = new() { ["teacher_logits"] = "teacher" };

    [TestMethod]
    public void JsonLinesListsAndCsvArrayCellsAreRead()
    {
        using var dir = new TempDir();
        var jsonl = dir.Write("v.jsonl", """
            {"text": "a", "label": 1, "teacher": [0.5, -2], "target": [1, 2, 3]}
            {"text": "b", "label": 0, "teacher": [3, 1e-3], "target": [0.25, 0, -1]}
            """);
        var csv = dir.Write("v.csv", "text,label,teacher,target\na,1,\"[0.5, -2]\",\"[1,2,3]\"\nb,0,\"[3, 1e-3]\",\"[0.25, 0, -1]\"\n");

        foreach (var path in new[] { jsonl, csv })
        {
            var examples = DatasetReader.Read(path, Vectors).Examples;
            CollectionAssert.AreEqual(new[] { 0.5f, -2f }, examples[0].Vector("teacher_logits"), path);
            CollectionAssert.AreEqual(new[] { 3f, 1e-3f }, examples[1].Vector("teacher_logits"), path);
            CollectionAssert.AreEqual(new[] { 0.25f, 0f, -1f }, examples[1].Vector("target_embedding"), path);
        }
        Assert.IsNull(DatasetReader.Read(jsonl).Examples[0].Vectors, "columns not asked for are not read");
    }

    [TestMethod]
    public void MalformedVectorsFailWithFileLineAndColumn()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.jsonl", """
            {"text": "ok", "label": 1, "teacher": [1, 2]}
            {"text": "a", "label": 1, "teacher": "high"}
            {"text": "b", "label": 1, "teacher": [1, "x"]}
            {"text": "c", "label": 1, "teacher": []}
            {"text": "d", "label": 1}
            {"text": "e", "label": 1, "teacher": [1, 1e39]}
            {"text": "f", "label": 1, "teacher": "[1, 2"}
            """);
        var options = new DatasetOptions { VectorColumns = Teacher };

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, options));

        Assert.Contains("bad.jsonl:2: column 'teacher' has 'high', expected a list of numbers", e.Message);
        Assert.Contains("bad.jsonl:3: column 'teacher' has a string at position 1, expected a number", e.Message);
        Assert.Contains("bad.jsonl:4: column 'teacher' has an empty list", e.Message);
        Assert.Contains("bad.jsonl:5: column 'teacher' is missing", e.Message);
        Assert.Contains("bad.jsonl:6: column 'teacher' has 1E+39 at position 1, which is not a finite float", e.Message);
        Assert.Contains("bad.jsonl:7: column 'teacher' has '[1, 2', expected a list of numbers", e.Message);
        var skipped = DatasetReader.Read(path, new DatasetOptions { VectorColumns = Teacher, SkipBadRows = true });
        Assert.HasCount(1, skipped.Examples);
        Assert.HasCount(6, skipped.BadRows);
    }
}
