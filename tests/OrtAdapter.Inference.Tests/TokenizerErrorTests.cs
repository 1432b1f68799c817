using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class TokenizerErrorTests
{
    private static void CopyBertVocab(TempDirectory dir) =>
        File.Copy(Path.Combine(RepoPaths.BertMiniUncased, "vocab.txt"), Path.Combine(dir.Path, "vocab.txt"));

    [TestMethod]
    public void MissingDirectoryIsNamed()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-model-" + Guid.NewGuid().ToString("N"));
        var ex = Assert.ThrowsExactly<DirectoryNotFoundException>(() => TextTokenizer.FromModelDirectory(missing));
        Assert.Contains(missing, ex.Message);
    }

    [TestMethod]
    public void DirectoryWithoutTokenizerFilesNamesDirectoryAndExpectedFiles()
    {
        using var dir = new TempDirectory();
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(dir.Path, ex.Message);
        Assert.Contains("vocab.txt", ex.Message);
        Assert.Contains("merges.txt", ex.Message);
    }

    [TestMethod]
    public void MissingVocabFileIsNamed()
    {
        string path = Path.Combine(Path.GetTempPath(), "missing-" + Guid.NewGuid().ToString("N"), "vocab.txt");
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => BertWordPieceTokenizer.Create(path));
        Assert.AreEqual(path, ex.FileName);
        Assert.Contains(path, ex.Message);
    }

    [TestMethod]
    public void VocabJsonWithoutMergesNamesTheMissingFile()
    {
        using var dir = new TempDirectory();
        dir.Write("vocab.json", "{\"<s>\": 0}");
        var ex = Assert.ThrowsExactly<FileNotFoundException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(dir.Path, ex.Message);
        Assert.Contains("merges.txt", ex.Message);
    }

    [TestMethod]
    public void MalformedTokenizerConfigIsNamed()
    {
        using var dir = new TempDirectory();
        CopyBertVocab(dir);
        string config = dir.Write("tokenizer_config.json", "{ \"do_lower_case\": tru");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(config, ex.Message);
    }

    [TestMethod]
    public void WrongTypeInTokenizerConfigNamesFileAndField()
    {
        using var dir = new TempDirectory();
        CopyBertVocab(dir);
        string config = dir.Write("tokenizer_config.json", "{ \"do_lower_case\": \"yes\" }");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(config, ex.Message);
        Assert.Contains("do_lower_case", ex.Message);
    }

    [TestMethod]
    public void HugeModelMaxLengthMeansTheDefault()
    {
        using var dir = new TempDirectory();
        CopyBertVocab(dir);
        dir.Write("tokenizer_config.json", "{ \"model_max_length\": 1000000000000000019884624838656 }");
        Assert.AreEqual(512, TextTokenizer.FromModelDirectory(dir.Path).ModelMaxLength);
    }

    [TestMethod]
    public void VocabWithoutASpecialTokenNamesFileAndToken()
    {
        using var dir = new TempDirectory();
        string vocab = dir.Write("vocab.txt", "[PAD]\n[UNK]\n[SEP]\nhello\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(vocab, ex.Message);
        Assert.Contains("[CLS]", ex.Message);
    }

    [TestMethod]
    public void MalformedVocabJsonIsNamed()
    {
        using var dir = new TempDirectory();
        string vocab = dir.Write("vocab.json", "{ \"<s>\": ");
        dir.Write("merges.txt", "#version: 0.2\n");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(vocab, ex.Message);
    }

    [TestMethod]
    public void WordPieceTokenizerJsonIsRejectedWithAReason()
    {
        using var dir = new TempDirectory();
        string file = dir.Write("tokenizer.json", "{ \"model\": { \"type\": \"WordPiece\", \"vocab\": {} } }");
        var ex = Assert.ThrowsExactly<InvalidDataException>(() => TextTokenizer.FromModelDirectory(dir.Path));
        Assert.Contains(file, ex.Message);
        Assert.Contains("vocab.txt", ex.Message);
    }
}
