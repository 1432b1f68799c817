using System.Text;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

/// <summary>Bytes that are not UTF-8 make their row a bad row named by file:line, instead of becoming U+FFFD silently.</summary>
[TestClass]
public sealed class InvalidUtf8Tests
{
    static string WriteWithBadByte(TempDir dir, string name, string[] lines, int badLine)
    {
        var path = Path.Combine(dir.Path, name);
        using var file = File.Create(path);
        for (int i = 0; i < lines.Length; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(lines[i]).ToList();
            if (i + 1 == badLine) bytes.InsertRange(bytes.Count / 2, new byte[] { 0xC3, 0x28 }); // a lead byte without its continuation
            file.Write([.. bytes, (byte)'\n']);
        }
        return path;
    }

    [TestMethod]
    [DataRow("data.jsonl", 3)]
    [DataRow("data.tsv", 3)]
    [DataRow("data.csv", 4)]
    public void AnInvalidLineIsABadRowNamedByItsLine(string name, int badLine)
    {
        using var dir = new TempDir();
        string[] lines = name.EndsWith(".jsonl", StringComparison.Ordinal)
            ? ["{\"text\": \"good one\", \"label\": 1}", "{\"text\": \"bad one\", \"label\": 0}", "{\"text\": \"broken text here\", \"label\": 1}", "{\"text\": \"fine\", \"label\": 0}"]
            : [$"text{Sep(name)}label", $"good one{Sep(name)}1", $"bad one{Sep(name)}0", $"broken text here{Sep(name)}1", $"fine{Sep(name)}0"];
        var path = WriteWithBadByte(dir, name, lines, badLine);

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));
        StringAssert.Contains(e.Message, $"{name}:{badLine}: invalid UTF-8");
        StringAssert.Contains(e.Message, "--skip-bad-rows");

        var skipped = DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true });
        Assert.HasCount(3, skipped.Examples);
        Assert.HasCount(1, skipped.BadRows);
        Assert.IsFalse(skipped.Examples.Any(x => x.Text.Contains('\uFFFD')), "no replacement character reaches training");
    }

    [TestMethod]
    public void AnInvalidHeaderFailsTheFile()
    {
        using var dir = new TempDir();
        var path = WriteWithBadByte(dir, "data.csv", ["text,label", "a,1"], badLine: 1);
        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true }));
        StringAssert.Contains(e.Message, "data.csv:1: invalid UTF-8 in the header");
    }

    static char Sep(string name) => name.EndsWith(".tsv", StringComparison.Ordinal) ? '\t' : ',';
}
