using OrtAdapter.Tests.Shared;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Tests.Data;
using Parquet.Schema;

namespace OrtAdapter.Training.Tests.Robustness;

/// <summary>
/// Damaged copies of data files in every format the trainer reads: each still loads (with its bad rows named) or
/// fails with one <see cref="DatasetException"/>; 300 cases each.
/// </summary>
[TestClass]
public sealed class CorruptDataTests
{
    static readonly string[] Texts = ["Loved it.", "Not worth the money.", "\"Quoted\" text, with a comma", "naïve café ünïcödé", "Terrible service."];

    static void Check(string path) => Corruption.Check(File.ReadAllBytes(path), Path.GetFileName(path),
        p => DatasetReader.Read(p, new DatasetOptions { SkipBadRows = true }), [typeof(DatasetException)]);

    [TestMethod]
    public void JsonLines()
    {
        using var dir = new TempDir();
        Check(dir.Write("data.jsonl", string.Join("\n", Texts.Select((t, i) => $"{{\"text\": \"{t.Replace("\"", "\\\"")}\", \"label\": {i % 2}}}"))));
    }

    [TestMethod]
    public void Csv()
    {
        using var dir = new TempDir();
        Check(dir.Write("data.csv", "text,label\n" + string.Join("\n", Texts.Select((t, i) => $"\"{t.Replace("\"", "\"\"")}\",{i % 2}"))));
    }

    [TestMethod]
    public void Tsv()
    {
        using var dir = new TempDir();
        Check(dir.Write("data.tsv", "text\tlabel\n" + string.Join("\n", Texts.Select((t, i) => $"{t}\t{i % 2}"))));
    }

    [TestMethod]
    public void Parquet()
    {
        using var dir = new TempDir();
        var schema = new ParquetSchema(new DataField<string>("text"), new DataField<long>("label"));
        Check(TestData.WriteParquet(dir.File("data.parquet"), schema,
            [.. Texts.Select((t, i) => (IDictionary<string, object?>)new Dictionary<string, object?> { ["text"] = t, ["label"] = (long)(i % 2) })]));
    }

    /// <summary>Found by <see cref="Parquet"/>: one footer byte changed made Parquet.Net 6.1 loop forever.</summary>
    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void ParquetWhoseFooterLoopsTheReaderIsRefused()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Robustness", "parquet-footer-loop.parquet");
        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));
        StringAssert.Contains(e.Message, "not a readable Parquet file: its footer (Thrift metadata) is damaged");
    }

    [TestMethod]
    public void Sqlite()
    {
        using var dir = new TempDir();
        Check(TestData.WriteSqlite(dir.File("data.db"), "CREATE TABLE reviews (text TEXT, label INTEGER)",
            "INSERT INTO reviews VALUES " + string.Join(", ", Texts.Select((t, i) => $"('{t.Replace("'", "''")}', {i % 2})"))));
    }
}
