using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class ByteLevelBpeTests
{
    // data/tiny-bpe: <s>=0 <pad>=1 </s>=2 <unk>=3 Ġ=8 w=9 !=12 hello=21 or=23 ld=25 Ġworld=26 cafÃ©(café)=30 rl=31 <mask>=32.
    // Merges by rank: "h e", "l l", "he ll", "hell o", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld", "Ã ©", "c a", "ca f", "caf Ã©", "r l".
    private static readonly Lazy<ITextTokenizer> s_bpe = new(() => TextTokenizer.FromModelDirectory(RepoPaths.TestData("tiny-bpe")));

    private static int[] Ids(string text) => s_bpe.Value.Encode(text).InputIds;

    [TestMethod]
    public void FactoryPicksByteLevelBpeWithRobertaSpecialIds()
    {
        Assert.IsInstanceOfType<ByteLevelBpeTokenizer>(s_bpe.Value);
        Assert.AreEqual(new SpecialTokenIds(Cls: 0, Sep: 2, Pad: 1, Unknown: 3, Mask: 32), s_bpe.Value.SpecialIds);
        Assert.IsFalse(s_bpe.Value.UsesTokenTypes);
    }

    [TestMethod]
    public void SpacesAttachToTheFollowingWordAsG() =>
        CollectionAssert.AreEqual(new[] { 0, 21, 26, 12, 2 }, Ids("hello world!"));

    [TestMethod]
    public void RunsOfSpacesKeepAllButTheLastApart() =>
        CollectionAssert.AreEqual(new[] { 0, 21, 8, 26, 2 }, Ids("hello  world"));

    [TestMethod]
    public void NonAsciiIsEncodedAsUtf8Bytes() =>
        CollectionAssert.AreEqual(new[] { 0, 30, 2 }, Ids("café"));

    [TestMethod]
    public void MergesApplyByRankNotLeftToRight() =>
        // "o r" (rank 5) and "l d" (rank 7) beat "r l" (rank 13): w·or·ld, not w·o·rl·d.
        CollectionAssert.AreEqual(new[] { 0, 9, 23, 25, 2 }, Ids("world"));

    [TestMethod]
    public void PairUsesDoubleSeparatorAndNoTokenTypes()
    {
        var encoded = s_bpe.Value.Encode("hello", "world!");
        CollectionAssert.AreEqual(new[] { 0, 21, 2, 2, 9, 23, 25, 12, 2 }, encoded.InputIds);
        CollectionAssert.AreEqual(new int[9], encoded.TokenTypeIds);
    }

    [TestMethod]
    public void TruncationAndPaddingUseThePadIdFromTheVocab()
    {
        CollectionAssert.AreEqual(new[] { 0, 21, 2 }, s_bpe.Value.Encode("hello world!", maxLength: 3).InputIds);
        var batch = s_bpe.Value.EncodeBatch(["hello", "hello world!"]);
        CollectionAssert.AreEqual(new long[] { 0, 21, 2, 1, 1, 0, 21, 26, 12, 2 }, batch.InputIds);
        CollectionAssert.AreEqual(new long[] { 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, batch.AttentionMask);
    }

    [TestMethod]
    public void TokenizerJsonGivesTheSameIds()
    {
        var fromJson = TextTokenizer.FromModelDirectory(RepoPaths.TestData("tiny-bpe-json"));
        Assert.IsInstanceOfType<ByteLevelBpeTokenizer>(fromJson);
        foreach (string text in new[] { "hello world!", "hello  world", "café", "world" })
            CollectionAssert.AreEqual(Ids(text), fromJson.Encode(text).InputIds, text);
    }

    [TestMethod]
    public void AddPrefixSpaceMakesTheFirstWordSpaceLed()
    {
        string dir = RepoPaths.TestData("tiny-bpe");
        var prefixed = ByteLevelBpeTokenizer.Create(Path.Combine(dir, "vocab.json"), Path.Combine(dir, "merges.txt"),
            new ByteLevelBpeOptions { AddPrefixSpace = true });
        CollectionAssert.AreEqual(new[] { 0, 26, 2 }, prefixed.Encode("world").InputIds);
    }
}
