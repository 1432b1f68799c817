using OrtAdapter.Inference;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class CsvReaderTests
{
    [TestMethod]
    public void ReadsQuotedFieldsAndLocatesRowsByStartLine()
    {
        using var dir = new TempDir();
        var path = dir.Write("good.csv",
            "id,text,label\n" +
            "1,\"Fine, really\",pos\n" +
            "2,\"Two\nlines\",neg\n" +
            "3,He said \"wow\",pos\n" +
            "\n" +
            "4,\"Say \"\"hi\"\"\",neg\n");

        var result = DatasetReader.Read(path);

        CollectionAssert.AreEqual(new[] { "Fine, really", "Two\nlines", "He said \"wow\"", "Say \"hi\"" }, result.Examples.Select(e => e.Text).ToArray());
        CollectionAssert.AreEqual(new[] { "good.csv:2", "good.csv:3", "good.csv:5", "good.csv:7" }, result.Examples.Select(e => e.Origin).ToArray());
        CollectionAssert.AreEqual(new[] { "neg", "pos" }, result.Labels!.Names.ToArray());
    }

    [TestMethod]
    public void TsvHasNoQuotingAStrayQuoteStaysInItsRow()
    {
        // The bundled data's own row '" I love it.' saved as TSV: the quote is text, and the rows after it are rows.
        using var dir = new TempDir();
        var path = dir.Write("quote.tsv", "text\tlabel\n\" I love it.\t1\nsecond\t0\n\"quoted\" word\t1\n");
        var result = DatasetReader.Read(path);
        CollectionAssert.AreEqual(new[] { "\" I love it.", "second", "\"quoted\" word" }, result.Examples.Select(e => e.Text).ToArray());
        Assert.IsEmpty(result.BadRows);
    }

    [TestMethod]
    public void ReadsTsvByExtension()
    {
        using var dir = new TempDir();
        var path = dir.Write("good.tsv", "sentence\tscore\nA, b and c\t0.5\nD\t1\n");

        var result = DatasetReader.Read(path, new DatasetOptions { TextColumn = "sentence", LabelColumn = "score", Task = TaskKind.Regression });

        Assert.AreEqual("A, b and c", result.Examples[0].Text);
        CollectionAssert.AreEqual(new float?[] { 0.5f, 1f }, result.Examples.Select(e => e.Target).ToArray());
    }

    [TestMethod]
    public void ExplicitDelimiterOverridesExtension()
    {
        using var dir = new TempDir();
        var path = dir.Write("semi.csv", "text;label\nHello, world;1\n");

        var result = DatasetReader.Read(path, new DatasetOptions { Delimiter = ';' });

        Assert.AreEqual("Hello, world", result.Examples[0].Text);
    }

    [TestMethod]
    public void ReadsMultiLabelStrings()
    {
        using var dir = new TempDir();
        var path = dir.Write("m.csv", "text,labels\na,b|c\nd,c\n");

        var result = DatasetReader.Read(path, new DatasetOptions { LabelColumn = "labels", Task = TaskKind.MultiLabel, LabelSeparator = '|' });

        CollectionAssert.AreEqual(new[] { 0, 1 }, result.Examples[0].LabelIds);
        CollectionAssert.AreEqual(new[] { 1 }, result.Examples[1].LabelIds);
    }

    const string Malformed =
        "text,label\n" +           // 1
        "good,1.5\n" +             // 2
        "too,many,fields\n" +      // 3
        ",2\n" +                   // 4
        "no label,\n" +            // 5
        "not a number,abc\n" +     // 6
        "short\n" +                // 7
        "\"closed\"junk,3\n" +     // 8
        "also good,-2\n" +         // 9
        "\"never closed,4\n";      // 10

    [TestMethod]
    public void MalformedRowsFailWithFileAndLines()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.csv", Malformed);

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { Task = TaskKind.Regression }));

        Assert.Contains(path, e.Message);
        Assert.Contains("bad.csv:3: wrong column count", e.Message);
        Assert.Contains("bad.csv:4: column 'text' is empty", e.Message);
        Assert.Contains("bad.csv:5: column 'label' is empty", e.Message);
        Assert.Contains("bad.csv:6: column 'label' has 'abc', expected a number", e.Message);
        Assert.Contains("bad.csv:7: wrong column count", e.Message);
        Assert.Contains("bad.csv:8: text after the closing quote", e.Message);
        Assert.Contains("bad.csv:10: ", e.Message); // the unclosed quote swallows the line break: reported as a column count fault
    }

    [TestMethod]
    public void SkipModeKeepsGoodRowsAndCountsBadOnes()
    {
        using var dir = new TempDir();
        var path = dir.Write("bad.csv", Malformed);

        var result = DatasetReader.Read(path, new DatasetOptions { Task = TaskKind.Regression, SkipBadRows = true });

        CollectionAssert.AreEqual(new float?[] { 1.5f, -2f }, result.Examples.Select(e => e.Target).ToArray());
        CollectionAssert.AreEqual(new[] { "3", "4", "5", "6", "7", "8", "10" }, result.BadRows.Select(b => b.Location).ToArray());
    }

    [TestMethod]
    public void MissingColumnNamesFileAndColumn()
    {
        using var dir = new TempDir();
        var path = dir.Write("cols.csv", "sentence,label\na,1\n");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SkipBadRows = true }));

        Assert.Contains(path, e.Message);
        Assert.Contains("no column 'text'", e.Message);
        Assert.Contains("sentence, label", e.Message);
    }

    [TestMethod]
    public void EmptyFileIsAClearError()
    {
        using var dir = new TempDir();
        var path = dir.Write("empty.csv", "");

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));

        Assert.Contains("empty.csv: no column 'text'", e.Message);
    }
}
