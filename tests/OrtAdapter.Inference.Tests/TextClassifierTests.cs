using OrtAdapter.Inference;
using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class TextClassifierTests
{
    internal static readonly string[] Sentences =
    [
        "the movie was wonderful and i loved every minute",
        "this is the worst service i have ever had",
        "it was fine",
        "the weather today is cold and grey, but the food was good",
        "a",
        "i would not recommend this phone to anyone because the battery dies after an hour and the screen cracks easily",
        "okay",
    ];

    private static readonly Lazy<TextClassifier> s_classifier = new(() => TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { BatchSize = 3 }));

    private static TextClassifier Classifier => s_classifier.Value;

    [ClassCleanup]
    public static void Cleanup()
    {
        if (s_classifier.IsValueCreated) s_classifier.Value.Dispose();
    }

    [TestMethod]
    public void LabelsTaskAndLengthComeFromTheMetadata()
    {
        CollectionAssert.AreEqual(ExportedTestModel.Labels, Classifier.Labels.ToArray());
        Assert.AreEqual(TaskKind.SingleLabel, Classifier.Task);
        Assert.AreEqual(ExportedTestModel.MaxLength, Classifier.MaxLength);
        Assert.AreEqual("cpu", Classifier.Device);
        Assert.IsTrue(Classifier.CanEmbed);
    }

    [TestMethod]
    public void PredictionIsTheMostProbableLabel()
    {
        var labelsSeen = new HashSet<string>();
        foreach (var sentence in Sentences)
        {
            var p = Classifier.Predict(sentence);
            Assert.HasCount(3, p.Probabilities);
            Assert.HasCount(3, p.Scores);
            Assert.AreEqual(1.0, p.Probabilities.Sum(x => (double)x), Tolerances.ProbabilitySum);
            Assert.AreEqual(p.Probabilities.Max(), p.Probability);
            Assert.AreEqual(ExportedTestModel.Labels[p.LabelId], p.Label);
            Assert.AreEqual(Array.IndexOf(p.Scores, p.Scores.Max()), p.LabelId, "softmax keeps the order of the logits");
            labelsSeen.Add(p.Label);
        }
        Assert.IsGreaterThan(1, labelsSeen.Count, "the random head should not give every sentence the same label");
    }

    [TestMethod]
    public void BatchMatchesSinglePredictions()
    {
        var batch = Classifier.PredictBatch(Sentences);
        Assert.HasCount(Sentences.Length, batch);
        for (int i = 0; i < Sentences.Length; i++)
        {
            var single = Classifier.Predict(Sentences[i]);
            Assert.AreEqual(single.Label, batch[i].Label, Sentences[i]);
            for (int k = 0; k < 3; k++)
            {
                Assert.AreEqual(single.Probabilities[k], batch[i].Probabilities[k], Tolerances.BatchVsSingle, Sentences[i]);
                Assert.AreEqual(single.Scores[k], batch[i].Scores[k], Tolerances.BatchVsSingle, Sentences[i]);
            }
        }
    }

    [TestMethod]
    public void PairsAreEncodedAsPairs()
    {
        var pair = Classifier.Predict("the movie was wonderful", "i loved every minute");
        var batch = Classifier.PredictBatch(["x", "the movie was wonderful"], ["y", "i loved every minute"]);
        for (int k = 0; k < 3; k++) Assert.AreEqual(pair.Probabilities[k], batch[1].Probabilities[k], Tolerances.BatchVsSingle);
        var joined = Classifier.Predict("the movie was wonderful i loved every minute");
        Assert.IsTrue(Enumerable.Range(0, 3).Any(k => Math.Abs(pair.Scores[k] - joined.Scores[k]) > 1e-3), "token types of the pair must reach the model");
    }

    [TestMethod]
    public void LongTextsAreTruncatedToTheMaxLength()
    {
        string longText = string.Join(" ", Enumerable.Repeat("wonderful movie", 200));
        string truncated = string.Join(" ", Enumerable.Repeat("wonderful movie", 200).Take(100));
        var a = Classifier.Predict(longText);
        var b = Classifier.Predict(truncated);
        for (int k = 0; k < 3; k++) Assert.AreEqual(a.Scores[k], b.Scores[k], Tolerances.BatchVsSingle, "both truncate to the same 64 tokens");
    }

    [TestMethod]
    public void EmptyBatchGivesNoPredictions() => Assert.IsEmpty(Classifier.PredictBatch([]));

    [TestMethod]
    public void EmbedReturnsThePooledVector()
    {
        var single = Classifier.Embed(Sentences[0]);
        Assert.HasCount(256, single);
        var batch = Classifier.EmbedBatch(Sentences);
        for (int d = 0; d < single.Length; d++) Assert.AreEqual(single[d], batch[0][d], Tolerances.BatchVsSingle);
        Assert.IsTrue(single.Zip(batch[1]).Any(p => Math.Abs(p.First - p.Second) > 1e-3), "different sentences embed differently");
    }

    [TestMethod]
    public void ConcurrentPredictionsAreIdentical()
    {
        var expected = Sentences.Select(s => Classifier.Predict(s)).ToArray();
        var results = new Prediction[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            results[t] = new Prediction[Sentences.Length * 3];
            for (int r = 0; r < results[t].Length; r++)
            {
                int i = (r + t) % Sentences.Length; // threads run different sentences at the same moment
                results[t][r] = Classifier.Predict(Sentences[i]);
            }
        });
        for (int t = 0; t < results.Length; t++)
        {
            for (int r = 0; r < results[t].Length; r++)
            {
                var want = expected[(r + t) % Sentences.Length];
                CollectionAssert.AreEqual(want.Probabilities, results[t][r].Probabilities, $"thread {t} call {r}");
                CollectionAssert.AreEqual(want.Scores, results[t][r].Scores, $"thread {t} call {r}");
            }
        }
    }

    [TestMethod]
    public void TokenizerFilesBesideTheModelGiveTheSamePredictions()
    {
        using var beside = TextClassifier.Load(TestModels.Beside);
        Assert.AreEqual(ExportedTestModel.MaxLength, beside.MaxLength);
        foreach (var sentence in Sentences.Take(3))
        {
            var a = Classifier.Predict(sentence);
            var b = beside.Predict(sentence);
            for (int k = 0; k < 3; k++) Assert.AreEqual(a.Probabilities[k], b.Probabilities[k], Tolerances.BatchVsSingle);
        }
    }

    [TestMethod]
    public void EmbedWithoutPooledOutputNamesTheModelAndOutput()
    {
        using var beside = TextClassifier.Load(TestModels.Beside);
        Assert.IsFalse(beside.CanEmbed);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => beside.Embed("hello"));
        StringAssert.Contains(e.Message, TestModels.Beside);
        StringAssert.Contains(e.Message, "'pooled'");
    }

    [TestMethod]
    public void OptionsOverrideTheMaxLength()
    {
        using var shortOne = TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { MaxLength = 4 });
        Assert.AreEqual(4, shortOne.MaxLength);
        var a = shortOne.Predict("wonderful movie and more words");
        var b = shortOne.Predict("wonderful movie");
        for (int k = 0; k < 3; k++) Assert.AreEqual(a.Scores[k], b.Scores[k], Tolerances.BatchVsSingle);
    }

    [TestMethod]
    public void MultiLabelPredictsEveryLabelAtTheThreshold()
    {
        var path = ExportedTestModel.Write(Path.Combine(TestModels.NewFolder(), "model.onnx"),
            editMetadata: m => m[ExportMetadataKeys.Task] = "multi-label");
        // A threshold at the first sentence's second-highest probability gives it two labels.
        float threshold = Classifier.Predict(Sentences[0]).Probabilities.OrderDescending().ElementAt(1);
        using var multi = TextClassifier.Load(path, new ClassifierOptions { MultiLabelThreshold = threshold });
        Assert.AreEqual(TaskKind.MultiLabel, multi.Task);
        foreach (var sentence in Sentences)
        {
            var p = multi.Predict(sentence);
            var expected = Enumerable.Range(0, 3).Where(k => p.Probabilities[k] >= threshold).Select(k => ExportedTestModel.Labels[k]).ToArray();
            CollectionAssert.AreEqual(expected, p.Labels.ToArray(), sentence);
        }
        Assert.HasCount(2, multi.Predict(Sentences[0]).Labels);
        foreach (var sentence in Sentences)
            CollectionAssert.AreEqual(new[] { Classifier.Predict(sentence).Label }, Classifier.Predict(sentence).Labels.ToArray(), "single-label: the one label");
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TextClassifier.Load(path, new ClassifierOptions { MultiLabelThreshold = 1f }));
    }

    [TestMethod]
    public void UseAfterDisposeThrows()
    {
        var classifier = TextClassifier.Load(TestModels.Embedded);
        classifier.Dispose();
        classifier.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => classifier.Predict("hello"));
    }
}
