using System.Security.Cryptography;
using OrtAdapter.Inference;
using OrtAdapter.Training.Data;

namespace OrtAdapter.Training.Tests.Data;

[TestClass]
public sealed class SqliteReaderTests
{
    static string WriteReviews(TempDir dir, string name = "reviews.db") => TestData.WriteSqlite(dir.File(name),
        "CREATE TABLE reviews (body TEXT, stars INTEGER, lang TEXT)",
        "INSERT INTO reviews VALUES ('Loved it', 5, 'en'), ('Meh', 3, 'en'), ('Terrible', 1, 'en'), ('Genial', 5, 'es')");

    [TestMethod]
    public void ReadsTableAndLocatesRowsByRowId()
    {
        using var dir = new TempDir();
        var path = WriteReviews(dir);
        var before = SHA256.HashData(File.ReadAllBytes(path));

        var result = DatasetReader.Read(path, new DatasetOptions { SqliteTable = "reviews", TextColumn = "Body", LabelColumn = "stars" });

        CollectionAssert.AreEqual(new[] { "1", "3", "5" }, result.Labels!.Names.ToArray());
        CollectionAssert.AreEqual(new[] { 2, 1, 0, 2 }, result.Examples.Select(e => e.LabelId).ToArray());
        Assert.AreEqual("reviews.db:rowid 2", result.Examples[1].Origin);
        CollectionAssert.AreEqual(before, SHA256.HashData(File.ReadAllBytes(path)), "the database must not change");
    }

    [TestMethod]
    public void ReadsTheOnlyTableWithoutBeingTold()
    {
        using var dir = new TempDir();
        var path = WriteReviews(dir, "only.sqlite");

        var result = DatasetReader.Read(path, new DatasetOptions { TextColumn = "body", LabelColumn = "stars", Task = TaskKind.Regression });

        CollectionAssert.AreEqual(new float?[] { 5, 3, 1, 5 }, result.Examples.Select(e => e.Target).ToArray());
    }

    [TestMethod]
    public void ReadsQuery()
    {
        using var dir = new TempDir();
        var path = WriteReviews(dir);
        var options = new DatasetOptions
        {
            SqliteQuery = "SELECT body AS text, CASE WHEN stars >= 4 THEN 'pos' ELSE 'neg' END AS label FROM reviews WHERE lang = 'en'",
        };

        var result = DatasetReader.Read(path, options);

        CollectionAssert.AreEqual(new[] { "Loved it", "Meh", "Terrible" }, result.Examples.Select(e => e.Text).ToArray());
        CollectionAssert.AreEqual(new[] { 1, 0, 0 }, result.Examples.Select(e => e.LabelId).ToArray());
        Assert.AreEqual("reviews.db:row 3", result.Examples[2].Origin);
    }

    [TestMethod]
    public void ViewsAreLocatedByRowPosition()
    {
        using var dir = new TempDir();
        var path = WriteReviews(dir);
        TestData.WriteSqlite(path, "CREATE VIEW spanish AS SELECT body AS text, stars AS label FROM reviews WHERE lang = 'es'");

        var result = DatasetReader.Read(path, new DatasetOptions { SqliteTable = "spanish" });

        Assert.AreEqual("reviews.db:row 1", result.Examples.Single().Origin);
    }

    static string WriteMalformed(TempDir dir) => TestData.WriteSqlite(dir.File("bad.db"),
        "CREATE TABLE t (text TEXT, label)",
        "INSERT INTO t VALUES ('good', 'a'), (NULL, 'b'), ('no label', NULL), ('blob', x'00ff'), ('', 'a'), ('also good', 'b')",
        "DELETE FROM t WHERE text = 'good'"); // rowids keep their gaps: the first row left has rowid 2

    [TestMethod]
    public void MalformedRowsFailWithFileAndRowId()
    {
        using var dir = new TempDir();
        var path = WriteMalformed(dir);

        var e = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SqliteTable = "t" }));

        Assert.Contains(path, e.Message);
        Assert.Contains("bad.db:rowid 2: column 'text' is null", e.Message);
        Assert.Contains("bad.db:rowid 3: column 'label' is null", e.Message);
        Assert.Contains("bad.db:rowid 4: column 'label' has a value of type binary", e.Message);
        Assert.Contains("bad.db:rowid 5: column 'text' is empty", e.Message);
    }

    [TestMethod]
    public void SkipModeKeepsGoodRowsAndCountsBadOnes()
    {
        using var dir = new TempDir();
        var path = WriteMalformed(dir);

        var result = DatasetReader.Read(path, new DatasetOptions { SqliteTable = "t", SkipBadRows = true });

        Assert.HasCount(1, result.Examples);
        Assert.AreEqual("bad.db:rowid 6", result.Examples[0].Origin);
        CollectionAssert.AreEqual(new[] { "rowid 2", "rowid 3", "rowid 4", "rowid 5" }, result.BadRows.Select(b => b.Location).ToArray());
    }

    [TestMethod]
    public void MissingTableColumnOrChoiceAreClearErrors()
    {
        using var dir = new TempDir();
        var path = WriteReviews(dir);
        TestData.WriteSqlite(path, "CREATE TABLE other (x)");

        var table = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SqliteTable = "nope" }));
        var column = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SqliteTable = "reviews" }));
        var choice = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path));
        var query = Assert.ThrowsExactly<DatasetException>(() => DatasetReader.Read(path, new DatasetOptions { SqliteQuery = "SELECT nothing FROM nowhere" }));

        Assert.Contains("reviews.db: no table 'nope' (tables: other, reviews)", table.Message);
        Assert.Contains("reviews.db: table 'reviews' has no column 'text'", column.Message);
        Assert.Contains("set SqliteTable or SqliteQuery", choice.Message);
        Assert.Contains("reviews.db: SQLite error", query.Message);
    }
}
