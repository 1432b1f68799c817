using OrtAdapter.Training.Metrics;
using OrtAdapter.Training.Reporting;

namespace OrtAdapter.Training.Tests.Reporting;

[TestClass]
public sealed class MetricsLogTests
{
    static MetricsEntry Train(long step, double loss) =>
        new(step, (int)(step / 10), MetricsEntry.TrainSplit, new Dictionary<string, double> { [MetricNames.Loss] = loss, [MetricNames.LearningRate] = 1e-3 });

    static MetricsEntry Dev(long step, double accuracy) =>
        new(step, (int)(step / 10) - 1, MetricsEntry.DevSplit, new Dictionary<string, double> { [MetricNames.Loss] = 0.5, [MetricNames.Accuracy] = accuracy });

    [TestMethod]
    public void EntriesRoundTripOneObjectPerLine()
    {
        using var folder = new TempFolder();
        var path = folder.File("run/metrics.jsonl");
        var nan = new MetricsEntry(3, 0, MetricsEntry.DevSplit, new Dictionary<string, double> { [MetricNames.Pearson] = double.NaN });

        using (var log = MetricsLog.Open(path))
        {
            log.Append(Train(1, 0.75));
            log.Append(Dev(10, 0.8125));
            log.Append(nan);
            // Flushed per line: readable while the log is open.
            Assert.HasCount(3, MetricsLog.Read(path));
        }
        var lines = File.ReadAllLines(path);
        var entries = MetricsLog.Read(path);

        Assert.AreEqual("""{"step":1,"epoch":0,"split":"train","loss":0.75,"lr":0.001}""", lines[0]);
        Assert.AreEqual("""{"step":3,"epoch":0,"split":"dev","pearson":null}""", lines[2]);
        Assert.HasCount(3, entries);
        Assert.AreEqual(10, entries[1].Step);
        Assert.AreEqual(0, entries[1].Epoch);
        Assert.AreEqual(MetricsEntry.DevSplit, entries[1].Split);
        Assert.AreEqual(0.8125, entries[1][MetricNames.Accuracy]);
        Assert.IsNull(entries[1][MetricNames.MacroF1]);
        Assert.IsTrue(double.IsNaN(entries[2][MetricNames.Pearson]!.Value));
    }

    [TestMethod]
    public void TruncateAfterKeepsTheEntriesUpToTheResumeStep()
    {
        using var folder = new TempFolder();
        var path = folder.File("metrics.jsonl");
        using (var log = MetricsLog.Open(path))
        {
            for (var step = 1; step <= 30; step++)
            {
                log.Append(Train(step, 1.0 / step));
                if (step % 10 == 0) log.Append(Dev(step, step / 40.0));
            }
        }

        var kept = MetricsLog.TruncateAfter(path, 20);
        using (var log = MetricsLog.Open(path)) log.Append(Train(21, 0.01));
        var entries = MetricsLog.Read(path);

        Assert.AreEqual(22, kept);
        Assert.HasCount(23, entries);
        Assert.AreEqual(21, entries[^1].Step);
        Assert.AreEqual(0.01, entries[^1][MetricNames.Loss]);
        Assert.AreEqual(2, entries.Count(e => e.Split == MetricsEntry.DevSplit));
        Assert.IsFalse(File.Exists(path + ".tmp"));
    }

    [TestMethod]
    public void ATornLastLineIsSkippedAndDroppedByTruncation()
    {
        using var folder = new TempFolder();
        var path = folder.File("metrics.jsonl");
        File.WriteAllText(path, """{"step":1,"epoch":0,"split":"train","loss":0.5}""" + "\n" + """{"step":2,"epoch":0,"spl""");

        Assert.HasCount(1, MetricsLog.Read(path));
        Assert.AreEqual(1, MetricsLog.TruncateAfter(path, 100));
        using (var log = MetricsLog.Open(path)) log.Append(Train(2, 0.25));
        Assert.HasCount(2, MetricsLog.Read(path));
    }

    [TestMethod]
    public void ABadLineInTheMiddleIsAnError()
    {
        using var folder = new TempFolder();
        var path = folder.File("metrics.jsonl");
        File.WriteAllLines(path, ["""{"step":1,"epoch":0,"split":"train"}""", "[1, 2]", """{"step":2,"epoch":0,"split":"train"}"""]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => MetricsLog.Read(path));

        Assert.Contains("metrics.jsonl:2", error.Message);
    }

    [TestMethod]
    public void OpeningWithoutAppendStartsAnEmptyLogAndReservedKeysAreRefused()
    {
        using var folder = new TempFolder();
        var path = folder.File("metrics.jsonl");
        using (var log = MetricsLog.Open(path)) log.Append(Train(1, 1));

        using (var log = MetricsLog.Open(path, append: false))
        {
            log.Append(Train(5, 2));
            Assert.ThrowsExactly<ArgumentException>(() =>
                log.Append(new MetricsEntry(6, 0, "train", new Dictionary<string, double> { ["step"] = 1 })));
        }

        Assert.AreEqual(5, MetricsLog.Read(path).Single().Step);
        Assert.IsEmpty(MetricsLog.Read(folder.File("missing.jsonl")));
    }
}
