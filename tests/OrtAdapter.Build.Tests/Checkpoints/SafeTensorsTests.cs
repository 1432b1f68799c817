using System.Buffers.Binary;
using System.Text;
using OrtAdapter.Build.Checkpoints;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Tests.Checkpoints;

[TestClass]
public sealed class SafeTensorsTests
{
    static Dictionary<string, SafeTensor> Sample() => new(StringComparer.Ordinal)
    {
        ["z.weight"] = SafeTensor.Create<float>([1.5f, -2, 3, 4, 5, 6], 2, 3),
        ["a.double"] = SafeTensor.Create<double>([Math.PI], 1),
        ["ids"] = SafeTensor.Create<long>([long.MaxValue, -1, 0], 3),
        ["half"] = SafeTensor.Create<Half>([(Half)0.5, (Half)(-1)], 2),
        ["flags"] = SafeTensor.Create<bool>([true, false, true], 3),
        ["scalar"] = SafeTensor.Create<float>([7f]),
        ["empty"] = SafeTensor.Create<float>([], 0, 4),
    };

    [TestMethod]
    public void RoundTripsEveryDTypeAndMetadata()
    {
        var bytes = SafeTensors.ToBytes(Sample(), new Dictionary<string, string> { ["format"] = "pt", ["note"] = "x\"y" });
        var read = SafeTensors.Read(bytes);
        CollectionAssert.AreEqual(Sample().Keys.Order(StringComparer.Ordinal).ToArray(), read.Tensors.Keys.ToArray());
        foreach (var (name, tensor) in Sample()) Assert.IsTrue(tensor.ContentEquals(read.Tensors[name]), name);
        Assert.AreEqual("x\"y", read.Metadata["note"]);
        CollectionAssert.AreEqual(new[] { 1.5f, -2, 3, 4, 5, 6 }, read.Tensors["z.weight"].ToArray<float>());
        Assert.IsEmpty(read.Tensors["scalar"].Shape);
    }

    [TestMethod]
    public void LayoutFollowsTheFormat()
    {
        var bytes = SafeTensors.ToBytes(new Dictionary<string, SafeTensor> { ["b"] = SafeTensor.Create<float>([1, 2], 2), ["a"] = SafeTensor.Create<long>([3], 1) });
        var n = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.AreEqual(0, (8 + n) % 8, "data starts 8-byte aligned");
        var header = Encoding.UTF8.GetString(bytes, 8, n);
        Assert.AreEqual("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,16]}}", header.TrimEnd(' '));
        Assert.AreEqual(8 + n + 16, bytes.Length);
        Assert.AreEqual(3L, BitConverter.ToInt64(bytes, 8 + n));
    }

    [TestMethod]
    public void ConvertsToAndFromOnnx()
    {
        var onnx = TensorData.FromFloats("w", [1, 2, 3, 4], 2, 2);
        var back = SafeTensor.FromOnnx(onnx).ToOnnx("w");
        Assert.AreEqual(onnx, back);
    }

    [TestMethod]
    public void WriteIsDeterministic()
    {
        using var dir = new TempFolder();
        SafeTensors.Write(dir["one.safetensors"], Sample());
        SafeTensors.Write(dir["two.safetensors"], Sample().Reverse().ToDictionary());
        CollectionAssert.AreEqual(File.ReadAllBytes(dir["one.safetensors"]), File.ReadAllBytes(dir["two.safetensors"]));
    }

    /// <summary>A file with the given header text in front of <paramref name="data"/>.</summary>
    internal static byte[] WithHeader(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    static string Fault(byte[] bytes) => Assert.ThrowsExactly<SafeTensorsException>(() => SafeTensors.Read(bytes, "w.safetensors")).Message;

    const string Good = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
    static readonly byte[] Data = new byte[12];

    [TestMethod]
    public void CorruptFilesGiveClearErrors()
    {
        SafeTensors.Read(WithHeader(Good, Data)); // the base case is valid
        StringAssert.StartsWith(Fault(new byte[5]), "w.safetensors: truncated");
        StringAssert.Contains(Fault(WithHeader(Good, Data)[..^3]), "truncated: the tensors need 12 data bytes but the file has 9");
        StringAssert.Contains(Fault(WithHeader(Good, Data)[..20]), "truncated: the header is");
        StringAssert.Contains(Fault(WithHeader("{\"a\":{\"dtype\":", Data)), "header JSON is invalid");
        StringAssert.Contains(Fault(WithHeader("[1,2]", Data)), "header JSON is a Array");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("[8,12]", "[12,16]"), new byte[16])), "tensor 'b': data_offsets [12, 16] are out of range");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("[8,12]", "[12,8]"), Data)), "tensor 'b': data_offsets [12, 8] are out of range");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("[8,12]", "[4,8]"), Data)), "out of range");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("\"F32\",\"shape\":[1]", "\"Q32\",\"shape\":[1]"), Data)), "tensor 'b': dtype 'Q32' is unknown");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("[2]", "[3]"), Data)), "tensor 'a': shape [3] of F32 needs 12 bytes but data_offsets [0, 8] hold 8");
        StringAssert.Contains(Fault(WithHeader(Good, new byte[20])), "8 bytes after the last tensor");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("[2]", "[-2]"), Data)), "'shape' holds -2");
        StringAssert.Contains(Fault(WithHeader(Good.Replace("\"b\":", "\"a\":"), Data)), "header names 'a' twice");
        StringAssert.Contains(Fault(WithHeader("{\"__metadata__\":{\"k\":1}}", [])), "metadata 'k'");
    }

    [TestMethod]
    public void MissingFileIsNamed()
    {
        using var dir = new TempFolder();
        var e = Assert.ThrowsExactly<SafeTensorsException>(() => SafeTensors.Read(dir["nope.safetensors"]));
        StringAssert.Contains(e.Message, "nope.safetensors: missing file");
    }
}
