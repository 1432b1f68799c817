using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Tests.Data;

namespace OrtAdapter.Training.Tests.Batching;

[TestClass]
public sealed class BatchCollatorTests
{
    static Example Labelled(string text, params int[] labels) => new(text, null, labels, null, "t.jsonl:1");

    [TestMethod]
    public void RowsArePaddedToTheLongestInTheBatch()
    {
        var examples = new[] { Labelled("a bb", 1), Labelled("a bb ccc dddd", 0), Labelled("x", 1) };
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.SingleLabel, 2);

        var batch = collator.Collate([2, 0]);

        Assert.AreEqual(2, batch.Inputs.BatchSize);
        Assert.AreEqual(4, batch.Inputs.SequenceLength);
        CollectionAssert.AreEqual(new long[] { 101, 1001, 102, 7, /**/ 101, 1001, 1002, 102 }, batch.Inputs.InputIds);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 0, /**/ 1, 1, 1, 1 }, batch.Inputs.AttentionMask);
        CollectionAssert.AreEqual(new long[8], batch.Inputs.TokenTypeIds);
        CollectionAssert.AreEqual(new long[] { 1, 1 }, batch.LabelIds);
        CollectionAssert.AreEqual(new[] { 2, 0 }, batch.ExampleIndices);
        Assert.IsNull(batch.Targets);
    }

    [TestMethod]
    public void TeacherLogitsAndTargetEmbeddingsFollowTheRows()
    {
        Example With(string text, float[] teacher, float[] target) =>
            new(text, null, [0], null, $"t.jsonl:{text}", new Dictionary<string, float[]> { ["teacher_logits"] = teacher, ["target_embedding"] = target });
        var examples = new[] { With("a", [1, 2], [10, 11, 12]), With("b", [3, 4], [13, 14, 15]), With("c", [5, 6], [16, 17, 18]) };
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.SingleLabel, 2);

        var batch = collator.Collate([2, 0]);

        Assert.AreEqual(2, collator.VectorWidths["teacher_logits"]);
        Assert.AreEqual(3, collator.VectorWidths["target_embedding"]);
        CollectionAssert.AreEqual(new[] { 5f, 6f, 1f, 2f }, batch.Vectors!["teacher_logits"]);
        CollectionAssert.AreEqual(new[] { 16f, 17f, 18f, 10f, 11f, 12f }, batch.Vectors!["target_embedding"]);
        CollectionAssert.AreEqual(new long[] { 2, 3 }, batch.Column("target_embedding")!.Shape);
        Assert.IsNull(BatchCollator.Create([Labelled("x", 0)], new WordTokenizer(), TaskKind.SingleLabel, 2).Collate([0]).Vectors);
    }

    [TestMethod]
    public void VectorsOfOtherLengthsOrMissingOnSomeRowsAreRejectedByOrigin()
    {
        Example With(string origin, float[]? teacher) => new("a", null, [0], null, origin, teacher is null ? null : new Dictionary<string, float[]> { ["teacher_logits"] = teacher });
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            BatchCollator.Create([With("t.jsonl:1", [1, 2]), With("t.jsonl:2", [1, 2, 3])], new WordTokenizer(), TaskKind.SingleLabel, 2));
        StringAssert.Contains(e.Message, "t.jsonl:2: has 'teacher_logits' of 3 values, but t.jsonl:1 has 'teacher_logits' of 2 values");
        e = Assert.ThrowsExactly<ArgumentException>(() =>
            BatchCollator.Create([With("t.jsonl:1", null), With("t.jsonl:2", [1, 2])], new WordTokenizer(), TaskKind.SingleLabel, 2));
        StringAssert.Contains(e.Message, "t.jsonl:2: has 'teacher_logits' of 2 values, but t.jsonl:1 has no 'teacher_logits'");
    }

    [TestMethod]
    public void LongExamplesAreTruncatedToTheMaximumLength()
    {
        var examples = new[] { new Example("a b c d e f g h", "p q r s", [0], null, "t:1") };
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.SingleLabel, 1, maxLength: 7);

        var batch = collator.Collate([0]);

        Assert.AreEqual(7, batch.Inputs.SequenceLength);
        CollectionAssert.AreEqual(new long[] { 101, 1001, 1001, 102, 1001, 1001, 102 }, batch.Inputs.InputIds);
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 1, 1, 1 }, batch.Inputs.TokenTypeIds);
    }

    [TestMethod]
    public void MultiLabelTargetsAreMultiHotRows()
    {
        var examples = new[] { Labelled("a", 0, 2), Labelled("b"), Labelled("c", 1) };
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.MultiLabel, 3);

        var batch = collator.Collate([0, 1, 2]);

        Assert.IsNull(batch.LabelIds);
        CollectionAssert.AreEqual(new float[] { 1, 0, 1, /**/ 0, 0, 0, /**/ 0, 1, 0 }, batch.Targets);
    }

    [TestMethod]
    public void RegressionTargetsAreFloats()
    {
        var examples = new[] { new Example("a", null, [], 0.25f, "t:1"), new Example("b", null, [], -3f, "t:2") };
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.Regression, 0);

        CollectionAssert.AreEqual(new[] { -3f, 0.25f }, collator.Collate([1, 0]).Targets);
        Assert.AreEqual(0, collator.LabelCount);
    }

    [TestMethod]
    public void ExamplesAreTokenizedOnceForAllEpochs()
    {
        var tokenizer = new WordTokenizer();
        var examples = Enumerable.Range(0, 20).Select(i => Labelled(new string('w', i + 1) + " x", i % 2)).ToArray();
        var collator = BatchCollator.Create(examples, tokenizer, TaskKind.SingleLabel, 2);
        var plan = new BatchPlan(collator.Lengths, new BatchingOptions { BatchSize = 6 }, seed: 1);

        var rows = Enumerable.Range(0, 3).SelectMany(e => collator.Batches(plan, e)).Sum(b => b.Size);

        Assert.AreEqual(60, rows);
        Assert.AreEqual(20, tokenizer.EncodeCalls);
    }

    [TestMethod]
    public void BatchesOfAResumedEpochMatchTheUninterruptedOnes()
    {
        var examples = Enumerable.Range(0, 30).Select(i => Labelled(string.Join(' ', Enumerable.Repeat("w", i % 7 + 1)), i % 3)).ToArray();
        var collator = BatchCollator.Create(examples, new WordTokenizer(), TaskKind.SingleLabel, 3);
        var plan = new BatchPlan(collator.Lengths, new BatchingOptions { BatchSize = 4, BucketByLength = true, BucketWindowBatches = 2 }, seed: 9);

        var full = collator.Batches(plan, 1).ToList();
        var resumed = collator.Batches(plan, 1, fromBatch: 5).ToList();

        Assert.HasCount(full.Count - 5, resumed);
        for (var i = 0; i < resumed.Count; i++)
        {
            CollectionAssert.AreEqual(full[i + 5].Inputs.InputIds, resumed[i].Inputs.InputIds);
            CollectionAssert.AreEqual(full[i + 5].LabelIds, resumed[i].LabelIds);
        }
    }

    [TestMethod]
    public void ExamplesThatDoNotFitTheTaskAreRejectedByOrigin()
    {
        var tokenizer = new WordTokenizer();

        var outOfRange = Assert.ThrowsExactly<ArgumentException>(() =>
            BatchCollator.Create([new Example("a", null, [3], null, "bad.jsonl:4")], tokenizer, TaskKind.SingleLabel, 2));
        var noTarget = Assert.ThrowsExactly<ArgumentException>(() =>
            BatchCollator.Create([new Example("a", null, [], null, "bad.jsonl:9")], tokenizer, TaskKind.Regression, 0));

        Assert.Contains("bad.jsonl:4", outOfRange.Message);
        Assert.Contains("bad.jsonl:9", noTarget.Message);
    }

    [TestMethod]
    public void PaddedRowsMatchTheTokenizersOwnBatchEncoding()
    {
        var tokenizer = TextTokenizer.FromModelDirectory(Path.Combine(TestData.RepoRoot(), "graphs", "bert-mini-uncased"));
        var examples = new[]
        {
            new Example("The battery lasts all day, great phone!", null, [1], null, "t:1"),
            new Example("Terrible.", "Would not buy again.", [0], null, "t:2"),
            new Example(string.Join(' ', Enumerable.Repeat("long sentence", 100)), null, [0], null, "t:3"),
        };
        var collator = BatchCollator.Create(examples, tokenizer, TaskKind.SingleLabel, 2);

        var batch = collator.Collate([0, 1, 2]);
        var single = tokenizer.EncodeBatch([examples[0].Text, examples[2].Text], null, 128);
        var pair = tokenizer.EncodeBatch([examples[1].Text], [examples[1].TextPair!], 128);

        Assert.AreEqual(128, batch.Inputs.SequenceLength);
        Assert.AreEqual(128, single.SequenceLength);
        CollectionAssert.AreEqual(single.InputIds[..128], batch.Inputs.InputIds[..128]);
        CollectionAssert.AreEqual(single.InputIds[128..], batch.Inputs.InputIds[256..]);
        CollectionAssert.AreEqual(single.AttentionMask[..128], batch.Inputs.AttentionMask[..128]);
        var n = pair.SequenceLength;
        CollectionAssert.AreEqual(pair.InputIds, batch.Inputs.InputIds[128..(128 + n)]);
        CollectionAssert.AreEqual(pair.TokenTypeIds, batch.Inputs.TokenTypeIds[128..(128 + n)]);
        Assert.IsTrue(batch.Inputs.InputIds[(128 + n)..256].All(id => id == tokenizer.SpecialIds.Pad));
    }
}
