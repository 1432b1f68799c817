using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class BertTokenizerTests
{
    // bert-mini-uncased ids: [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, hell=2543 ##o=12 world=648 !=107.
    private static readonly Lazy<ITextTokenizer> s_bert = new(() => TextTokenizer.FromModelDirectory(RepoPaths.BertMiniUncased));

    private static int[] Ids(string text) => s_bert.Value.Encode(text).InputIds;

    [TestMethod]
    public void FactoryPicksBertAndReadsSpecialIdsFromTheVocab()
    {
        Assert.IsInstanceOfType<BertWordPieceTokenizer>(s_bert.Value);
        Assert.AreEqual(new SpecialTokenIds(Cls: 2, Sep: 3, Pad: 0, Unknown: 1, Mask: 4), s_bert.Value.SpecialIds);
        Assert.AreEqual(512, s_bert.Value.ModelMaxLength);
        Assert.IsTrue(s_bert.Value.UsesTokenTypes);
    }

    [TestMethod]
    public void TokenizeOmitsSpecialTokens() =>
        CollectionAssert.AreEqual(new[] { 2543, 12, 648 }, s_bert.Value.Tokenize("Hello world").ToArray());

    [TestMethod]
    public void EmptyAndWhitespaceOnlyTextsGiveOnlySpecialTokens()
    {
        CollectionAssert.AreEqual(new[] { 2, 3 }, Ids(""));
        CollectionAssert.AreEqual(new[] { 2, 3 }, Ids(" \t\r\n\u00A0 "));
    }

    [TestMethod]
    public void NulReplacementCharFormatCharsAndLoneSurrogatesAreDropped() =>
        CollectionAssert.AreEqual(new[] { 2, 2543, 12, 648, 3 }, Ids("hel\0lo\uFFFD wor\u200Bl\uD83Dd"));

    [TestMethod]
    public void WordsLongerThan100CodePointsBecomeOneUnknown()
    {
        CollectionAssert.AreEqual(new[] { 2, 1, 3 }, Ids(new string('a', 101)));
        CollectionAssert.DoesNotContain(Ids(new string('a', 100)), 1);
    }

    [TestMethod]
    public void ChineseCharsAreSplitUnlessDisabled()
    {
        string vocab = Path.Combine(RepoPaths.BertMiniUncased, "vocab.txt");
        var unsplit = BertWordPieceTokenizer.Create(vocab, new BertTokenizerOptions { TokenizeChineseChars = false });
        CollectionAssert.AreEqual(new[] { 2, 1, 1, 3 }, Ids("東京"));
        CollectionAssert.AreEqual(new[] { 2, 1, 3 }, unsplit.Encode("東京").InputIds);
    }

    [TestMethod]
    public void CasedOptionKeepsUppercase()
    {
        // The uncased vocabulary has no uppercase pieces, so a cased "Hello" is unknown.
        var cased = BertWordPieceTokenizer.Create(Path.Combine(RepoPaths.BertMiniUncased, "vocab.txt"), new BertTokenizerOptions { LowerCase = false });
        CollectionAssert.AreEqual(new[] { 2, 1, 648, 3 }, cased.Encode("Hello world").InputIds);
    }

    [TestMethod]
    public void ConcurrentEncodingGivesTheSameIds()
    {
        string[] texts = ["Hello, World!", "naïve café-goers paid $3.50", "東京 tokyo 日本", "a+b=c <tag> 50°C"];
        int[][] expected = [.. texts.Select(Ids)];
        Parallel.For(0, 400, i => CollectionAssert.AreEqual(expected[i % texts.Length], Ids(texts[i % texts.Length])));
    }
}
