using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class ClassifierLoadErrorTests
{
    private static ModelMetadataException LoadFails(Action<Dictionary<string, string>> edit,
        ExportedTestModel.TokenizerPlacement tokenizer = ExportedTestModel.TokenizerPlacement.Embedded)
    {
        string path = ExportedTestModel.Write(Path.Combine(TestModels.NewFolder(), "model.onnx"), tokenizer, editMetadata: edit);
        var e = Assert.ThrowsExactly<ModelMetadataException>(() => TextClassifier.Load(path).Dispose());
        StringAssert.Contains(e.Message, path, "the message names the model file");
        return e;
    }

    [TestMethod]
    public void MissingLabelsNameTheFileAndKey()
    {
        var e = LoadFails(m => m.Remove(ExportMetadataKeys.Labels));
        StringAssert.Contains(e.Message, $"'{ExportMetadataKeys.Labels}'");
        StringAssert.Contains(e.Message, "missing");
    }

    [TestMethod]
    public void MalformedLabelsNameTheKey()
    {
        StringAssert.Contains(LoadFails(m => m[ExportMetadataKeys.Labels] = "[\"a\", 2, \"c\"]").Message, ExportMetadataKeys.Labels);
        StringAssert.Contains(LoadFails(m => m[ExportMetadataKeys.Labels] = "{not json").Message, "not valid JSON");
    }

    [TestMethod]
    public void LabelCountMustMatchTheLogits()
    {
        var e = LoadFails(m => m[ExportMetadataKeys.Labels] = "[\"a\", \"b\"]");
        StringAssert.Contains(e.Message, "3 columns");
        StringAssert.Contains(e.Message, "2 labels");
    }

    [TestMethod]
    public void BadTaskAndMaxLengthNameTheirKeys()
    {
        StringAssert.Contains(LoadFails(m => m[ExportMetadataKeys.Task] = "ranking").Message, ExportMetadataKeys.Task);
        StringAssert.Contains(LoadFails(m => m[ExportMetadataKeys.MaxLength] = "lots").Message, ExportMetadataKeys.MaxLength);
    }

    [TestMethod]
    public void NoTokenizerAnywhereIsNamed()
    {
        var e = LoadFails(_ => { }, ExportedTestModel.TokenizerPlacement.None);
        StringAssert.Contains(e.Message, "has no tokenizer");
        StringAssert.Contains(e.Message, ExportMetadataKeys.TokenizerFilePrefix + "vocab.txt");
    }

    [TestMethod]
    public void ListedTokenizerFileThatIsMissingIsNamed()
    {
        var e = LoadFails(m => m[ExportMetadataKeys.TokenizerFiles] = "[\"vocab.txt\", \"extra.txt\"]", ExportedTestModel.TokenizerPlacement.Beside);
        StringAssert.Contains(e.Message, "extra.txt");
        StringAssert.Contains(e.Message, ExportMetadataKeys.TokenizerFiles);
    }

    [TestMethod]
    public void TokenizerFileNamesCannotLeaveTheFolder() =>
        StringAssert.Contains(LoadFails(m => m[ExportMetadataKeys.TokenizerFilePrefix + "../vocab.txt"] = "x").Message, "not a plain file name");

    [TestMethod]
    public void EmbeddedVocabularyWithoutSpecialTokensNamesTheModel()
    {
        var e = LoadFails(m => m[ExportMetadataKeys.TokenizerFilePrefix + "vocab.txt"] = "[UNK]\nhello\nworld\n");
        StringAssert.Contains(e.Message, "tokenizer");
        StringAssert.Contains(e.Message, "[CLS]");
    }

    [TestMethod]
    public void MissingModelFileIsNamed()
    {
        string path = Path.Combine(TestModels.NewFolder(), "absent.onnx");
        var e = Assert.ThrowsExactly<FileNotFoundException>(() => TextClassifier.Load(path));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void NotAModelIsNamed()
    {
        string path = Path.Combine(TestModels.NewFolder(), "garbage.onnx");
        File.WriteAllText(path, "not a model");
        var e = Assert.ThrowsExactly<InvalidDataException>(() => TextClassifier.Load(path));
        StringAssert.Contains(e.Message, path);
    }

    [TestMethod]
    public void UnknownDeviceIsRejected() =>
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { Device = "tpu" })).Message, "cpu, cuda or cuda:N");

    [TestMethod]
    public void CudaWithoutTheProviderFailsClearly()
    {
        if (OrtEnv.Instance().GetAvailableProviders().Contains("CUDAExecutionProvider"))
        {
            using var cuda = TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { Device = "cuda" });
            Assert.AreEqual("cuda:0", cuda.Device);
            return;
        }
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => TextClassifier.Load(TestModels.Embedded, new ClassifierOptions { Device = "cuda:0" }));
        StringAssert.Contains(e.Message, "no CUDA execution provider");
        StringAssert.Contains(e.Message, "CPUExecutionProvider");
    }
}
