using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class EncodingTests
{
    // bert-mini-uncased ids: [PAD]=0 [CLS]=2 [SEP]=3, hell=2543 ##o=12 world=648 !=107.
    private static readonly Lazy<ITextTokenizer> s_bert = new(() => TextTokenizer.FromModelDirectory(RepoPaths.BertMiniUncased));

    [TestMethod]
    public void PairGetsSeparatorsAndTokenTypes()
    {
        var encoded = s_bert.Value.Encode("hello", "world");
        CollectionAssert.AreEqual(new[] { 2, 2543, 12, 3, 648, 3 }, encoded.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 1, 1 }, encoded.TokenTypeIds);
    }

    [TestMethod]
    public void SingleTextIsTruncatedBeforeTheFinalSeparator() =>
        CollectionAssert.AreEqual(new[] { 2, 2543, 12, 3 }, s_bert.Value.Encode("hello world hello world", maxLength: 4).InputIds);

    [TestMethod]
    public void PairTruncationShortensTheLongerText() =>
        CollectionAssert.AreEqual(new[] { 2, 2543, 12, 3, 648, 3 }, s_bert.Value.Encode("hello hello hello", "world", maxLength: 6).InputIds);

    [TestMethod]
    public void PairTruncationTakesTiesFromTheSecondText()
    {
        var encoded = s_bert.Value.Encode("world world world", "world world world", maxLength: 8);
        CollectionAssert.AreEqual(new[] { 2, 648, 648, 648, 3, 648, 648, 3 }, encoded.InputIds);
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 0, 1, 1, 1 }, encoded.TokenTypeIds);
    }

    [TestMethod]
    public void MaxLengthBelowTheSpecialTokensIsRejected()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_bert.Value.Encode("hello", maxLength: 1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => s_bert.Value.Encode("hello", "world", maxLength: 2));
    }

    [TestMethod]
    public void BatchPadsToTheLongestRow()
    {
        var batch = s_bert.Value.EncodeBatch(["hello", "hello world !"]);
        Assert.AreEqual(2, batch.BatchSize);
        Assert.AreEqual(6, batch.SequenceLength);
        CollectionAssert.AreEqual(new long[] { 2, 2543, 12, 3, 0, 0, 2, 2543, 12, 648, 107, 3 }, batch.InputIds);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1 }, batch.AttentionMask);
        CollectionAssert.AreEqual(new long[12], batch.TokenTypeIds);
    }

    [TestMethod]
    public void BatchPadsToAFixedLengthOnRequest()
    {
        var batch = s_bert.Value.EncodeBatch(["hello", "world"], maxLength: 128, padding: PaddingStrategy.MaxLength);
        CollectionAssert.AreEqual(new[] { 2, 128 }, batch.Shape);
        Assert.HasCount(256, batch.InputIds);
        Assert.AreEqual(4L, batch.AttentionMask.Take(128).Sum());
        Assert.AreEqual(3L, batch.AttentionMask.Skip(128).Sum());
        CollectionAssert.AreEqual(new long[] { 2, 648, 3, 0 }, batch.RowInputIds(1)[..4].ToArray());
    }

    [TestMethod]
    public void BatchTruncatesLongRowsAndKeepsPairTokenTypes()
    {
        var batch = s_bert.Value.EncodeBatch(["hello hello hello", "hello"], ["world", "world"], maxLength: 6);
        Assert.AreEqual(6, batch.SequenceLength);
        CollectionAssert.AreEqual(new long[] { 2, 2543, 12, 3, 648, 3, 2, 2543, 12, 3, 648, 3 }, batch.InputIds);
        CollectionAssert.AreEqual(new long[] { 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1 }, batch.TokenTypeIds);
    }

    [TestMethod]
    public void BatchRejectsMismatchedPairs() =>
        Assert.ThrowsExactly<ArgumentException>(() => s_bert.Value.EncodeBatch(["a", "b"], ["c"]));

    [TestMethod]
    public void EmptyBatchHasNoRows()
    {
        var batch = s_bert.Value.EncodeBatch([]);
        Assert.AreEqual(0, batch.BatchSize);
        Assert.IsEmpty(batch.InputIds);
    }
}
