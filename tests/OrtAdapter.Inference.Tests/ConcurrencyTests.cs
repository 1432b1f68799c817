using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Inference.Tests;

/// <summary>One classifier shared by 8 threads at once gives exactly what it gives one caller at a time.</summary>
[TestClass]
public sealed class ConcurrencyTests
{
    [TestMethod]
    public void EightThreadsGetTheSequentialPredictions()
    {
        using var classifier = TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { BatchSize = 3 });
        var texts = Enumerable.Range(0, 64).Select(i => $"{TextClassifierTests.Sentences[i % TextClassifierTests.Sentences.Length]} #{i}").ToArray();
        var sequential = texts.Select(t => classifier.Predict(t)).ToArray();
        var sequentialBatch = classifier.PredictBatch(texts);

        var single = new Prediction[texts.Length];
        var batches = new IReadOnlyList<Prediction>[8];
        var start = new Barrier(8);
        var threads = Enumerable.Range(0, 8).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int i = t; i < texts.Length; i += 8) single[i] = classifier.Predict(texts[i]);
            batches[t] = classifier.PredictBatch(texts);
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        for (int i = 0; i < texts.Length; i++)
        {
            CollectionAssert.AreEqual(sequential[i].Probabilities, single[i].Probabilities, $"text {i}, one at a time");
            foreach (var batch in batches) CollectionAssert.AreEqual(sequentialBatch[i].Probabilities, batch[i].Probabilities, $"text {i}, in a batch");
        }
    }
}
