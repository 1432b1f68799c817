using System.Text.Json;
using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Inference.Tests;

/// <summary>The logic of <c>ortadapter predict</c>, run in-process.</summary>
[TestClass]
public sealed class PredictionStreamTests
{
    private static readonly Lazy<TextClassifier> s_classifier = new(() => TextClassifier.Load(TestModels.Embedded));

    [ClassCleanup]
    public static void Cleanup()
    {
        if (s_classifier.IsValueCreated) s_classifier.Value.Dispose();
    }

    private static (int Count, List<JsonElement> Rows) Run(string input, PredictionStreamOptions options)
    {
        var output = new StringWriter { NewLine = "\n" };
        int count = PredictionStream.Run(s_classifier.Value, new StringReader(input), output, options);
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        return (count, rows);
    }

    private static void AssertMatchesPredict(JsonElement row, string text, string? pair = null, string textField = "text")
    {
        Assert.AreEqual(text, row.GetProperty(textField).GetString());
        var p = s_classifier.Value.Predict(text, pair);
        var prediction = row.GetProperty(PredictionStream.PredictionField);
        Assert.AreEqual(p.Label, prediction.GetProperty("label").GetString());
        var probabilities = prediction.GetProperty("probabilities");
        CollectionAssert.AreEqual(ExportedTestModel.Labels, probabilities.EnumerateObject().Select(o => o.Name).ToArray(), "label order kept");
        for (int k = 0; k < 3; k++)
            Assert.AreEqual(p.Probabilities[k], probabilities.GetProperty(ExportedTestModel.Labels[k]).GetSingle(), Tolerances.BatchVsSingle);
    }

    [TestMethod]
    public void PlainLinesRoundTrip()
    {
        string[] texts = TextClassifierTests.Sentences;
        var (count, rows) = Run(string.Join("\r\n", texts[..3]) + "\n\n   \n" + string.Join("\n", texts[3..]) + "\n",
            new PredictionStreamOptions { BatchSize = 2 });
        Assert.AreEqual(texts.Length, count, "blank lines are skipped");
        Assert.HasCount(texts.Length, rows);
        for (int i = 0; i < texts.Length; i++) AssertMatchesPredict(rows[i], texts[i]);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 6 }, rows.Take(4).Select(r => r.GetProperty("prediction").GetProperty("line").GetInt32()).ToArray(), "input line numbers, blanks counted");
    }

    [TestMethod]
    public void MultiLabelRowsCarryTheLabelSet()
    {
        Assert.IsFalse(Run("it was fine\n", new PredictionStreamOptions()).Rows[0].GetProperty("prediction").TryGetProperty("labels", out _), "single-label rows have no set");
        var path = ExportedTestModel.Write(Path.Combine(TestModels.NewFolder(), "model.onnx"),
            editMetadata: m => m[ExportMetadataKeys.Task] = "multi-label");
        using var multi = TextClassifier.Load(path, new ClassifierOptions { MultiLabelThreshold = 0.2f });
        var output = new StringWriter { NewLine = "\n" };
        PredictionStream.Run(multi, new StringReader(string.Join("\n", TextClassifierTests.Sentences)), output, new PredictionStreamOptions());
        var rows = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        for (int i = 0; i < rows.Count; i++)
            CollectionAssert.AreEqual(multi.Predict(TextClassifierTests.Sentences[i]).Labels.ToArray(),
                rows[i].GetProperty("prediction").GetProperty("labels").EnumerateArray().Select(e => e.GetString()).ToArray());
    }

    [TestMethod]
    public void JsonLinesRoundTripWithCustomFields()
    {
        string input = """
            {"id": 1, "sentence": "it was fine", "other": "i loved it"}
            {"sentence": "naïve café \"quoted\" text", "other": "okay"}
            """;
        var (count, rows) = Run(input, new PredictionStreamOptions { Jsonl = true, TextField = "sentence", PairField = "other" });
        Assert.AreEqual(2, count);
        AssertMatchesPredict(rows[0], "it was fine", "i loved it", textField: "sentence");
        AssertMatchesPredict(rows[1], "naïve café \"quoted\" text", "okay", textField: "sentence");
        CollectionAssert.AreEqual(new[] { "id", "sentence", "other", "prediction" }, rows[0].EnumerateObject().Select(p => p.Name).ToArray(), "the row's own fields, in order, then the prediction");
        Assert.AreEqual(1, rows[0].GetProperty("id").GetInt32());
        Assert.AreEqual("i loved it", rows[0].GetProperty("other").GetString());
        Assert.AreEqual(2, rows[1].GetProperty("prediction").GetProperty("line").GetInt32());
    }

    [TestMethod]
    public void ProbabilitiesSurviveTheJsonRoundTrip()
    {
        var (_, rows) = Run("{\"text\": \"it was fine\"}", new PredictionStreamOptions { Jsonl = true });
        var p = s_classifier.Value.Predict("it was fine");
        for (int k = 0; k < 3; k++)
            Assert.AreEqual(p.Probabilities[k], rows[0].GetProperty("prediction").GetProperty("probabilities").GetProperty(ExportedTestModel.Labels[k]).GetSingle(), Tolerances.JsonRoundTrip);
    }

    [TestMethod]
    public void AGoldLabelStaysBesideThePrediction()
    {
        var (_, rows) = Run("{\"text\": \"it was fine\", \"label\": \"gold\"}", new PredictionStreamOptions { Jsonl = true });
        Assert.AreEqual("gold", rows[0].GetProperty("label").GetString());
        Assert.AreEqual(s_classifier.Value.Predict("it was fine").Label, rows[0].GetProperty("prediction").GetProperty("label").GetString());

        var taken = Assert.ThrowsExactly<InvalidDataException>(() => Run("{\"text\": \"a\", \"prediction\": 1}", new PredictionStreamOptions { Jsonl = true }));
        StringAssert.Contains(taken.Message, "line 1: already has a field \"prediction\"");
    }

    [TestMethod]
    public void MalformedJsonLineNamesItsNumber()
    {
        string input = "{\"text\": \"ok\"}\n\n{\"text\": \"broken\"\n{\"text\": \"later\"}\n";
        var e = Assert.ThrowsExactly<InvalidDataException>(() => Run(input, new PredictionStreamOptions { Jsonl = true, SourceName = "rows.jsonl" }));
        StringAssert.StartsWith(e.Message, "rows.jsonl: line 3:");
        StringAssert.Contains(e.Message, "not valid JSON");
    }

    [TestMethod]
    public void MissingOrNonStringFieldNamesLineAndField()
    {
        var missing = Assert.ThrowsExactly<InvalidDataException>(() => Run("{\"text\": \"a\"}\n{\"body\": \"b\"}", new PredictionStreamOptions { Jsonl = true }));
        StringAssert.Contains(missing.Message, "line 2: no field \"text\"");
        var number = Assert.ThrowsExactly<InvalidDataException>(() => Run("{\"text\": 5}", new PredictionStreamOptions { Jsonl = true }));
        StringAssert.Contains(number.Message, "line 1: field \"text\" must be a string");
        var array = Assert.ThrowsExactly<InvalidDataException>(() => Run("[\"text\"]", new PredictionStreamOptions { Jsonl = true }));
        StringAssert.Contains(array.Message, "line 1: expected a JSON object");
    }
}
