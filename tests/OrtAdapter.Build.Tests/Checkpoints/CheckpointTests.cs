using System.Text.Json.Nodes;
using OrtAdapter.Build.Checkpoints;

namespace OrtAdapter.Build.Tests.Checkpoints;

[TestClass]
public sealed class CheckpointTests
{
    internal static CheckpointData Data(float scale = 1, long step = 120) => new()
    {
        Tensors = new Dictionary<string, SafeTensor>(StringComparer.Ordinal)
        {
            ["adapter.up.weight"] = SafeTensor.Create<float>([0.1f * scale, -0.2f, 0.3f, 0.4f, 0.5f, -0.6f], 3, 2),
            ["adapter.up.weight.exp_avg"] = SafeTensor.Create<float>([1e-3f, 2e-3f, 0, 0, 0, -1e-3f], 3, 2),
            ["adapter.up.weight.exp_avg_sq"] = SafeTensor.Create<float>([1e-6f, 4e-6f, 0, 0, 0, 1e-6f], 3, 2),
            ["head.bias"] = SafeTensor.Create<float>([0.25f * scale, -0.25f], 2),
            ["head.bias.exp_avg"] = SafeTensor.Create<float>([0.01f, 0.02f], 2),
            ["head.bias.exp_avg_sq"] = SafeTensor.Create<float>([1e-4f, 4e-4f], 2),
        },
        State = new CheckpointState
        {
            Step = step,
            Epoch = 2,
            BestMetric = 0.7433333333333333,
            Options = JsonNode.Parse("""{"lr": 0.001, "batch": 32, "loss": {"ce": 0.9, "supcon": 0.1}}"""),
            Extra = new Dictionary<string, string> { ["rng"] = "seed=1;draws=99", ["data_order"] = "3,1,2" },
        },
    };

    static void AssertSame(CheckpointData expected, CheckpointData actual)
    {
        CollectionAssert.AreEqual(expected.Tensors.Keys.Order(StringComparer.Ordinal).ToArray(), actual.Tensors.Keys.ToArray());
        foreach (var (name, t) in expected.Tensors) Assert.IsTrue(t.ContentEquals(actual.Tensors[name]), name);
        Assert.AreEqual(expected.State.Step, actual.State.Step);
        Assert.AreEqual(expected.State.Epoch, actual.State.Epoch);
        Assert.AreEqual(expected.State.BestMetric, actual.State.BestMetric);
        Assert.IsTrue(JsonNode.DeepEquals(expected.State.Options, actual.State.Options), "options");
        CollectionAssert.AreEquivalent(expected.State.Extra.ToList(), actual.State.Extra.ToList());
    }

    [TestMethod]
    public void RoundTrips()
    {
        using var dir = new TempFolder();
        Checkpoint.Save(dir["ckpt"], Data());
        AssertSame(Data(), Checkpoint.Load(dir["ckpt"]));
        Assert.IsTrue(Checkpoint.Exists(dir["ckpt"]));
        var empty = new CheckpointData { Tensors = new Dictionary<string, SafeTensor>(), State = new CheckpointState() };
        Checkpoint.Save(dir["blank"], empty);
        Assert.IsNull(Checkpoint.Load(dir["blank"]).State.BestMetric);
    }

    [TestMethod]
    public void WeightsChangedAfterSavingAreRefused()
    {
        using var dir = new TempFolder();
        Checkpoint.Save(dir["ckpt"], Data());
        var weights = Path.Combine(dir["ckpt"], Checkpoint.WeightsFile);
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 0x40; // one bit of a tensor value: still a well-formed safetensors file
        File.WriteAllBytes(weights, bytes);
        var e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(dir["ckpt"]));
        StringAssert.StartsWith(e.Message, weights + ": SHA-256 ");
        StringAssert.Contains(e.Message, "the file was damaged or changed");
    }

    /// <summary>Found by AFL (tools/fuzz, target state): a repeated key threw ArgumentException from the JSON object.</summary>
    [TestMethod]
    public void AStateWithARepeatedKeyIsRefused()
    {
        using var dir = new TempFolder();
        Checkpoint.Save(dir["ckpt"], Data());
        var state = Path.Combine(dir["ckpt"], Checkpoint.StateFile);
        File.WriteAllText(state, File.ReadAllText(state).Replace("\"epoch\": ", "\"epoch\": 1,\n  \"epoch\": ", StringComparison.Ordinal));
        var e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Load(dir["ckpt"]));
        StringAssert.StartsWith(e.Message, state + ": invalid JSON");
    }

    [TestMethod]
    public void SavingTwiceGivesIdenticalBytes()
    {
        using var dir = new TempFolder();
        Checkpoint.Save(dir["a"], Data());
        Checkpoint.Save(dir["b"], Data());
        foreach (var file in new[] { Checkpoint.WeightsFile, Checkpoint.StateFile })
            CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir["a"], file)), File.ReadAllBytes(Path.Combine(dir["b"], file)), file);
        // Replacing in place leaves the same bytes and no staging folders.
        Checkpoint.Save(dir["a"], Data());
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(dir["b"], Checkpoint.WeightsFile)), File.ReadAllBytes(Path.Combine(dir["a"], Checkpoint.WeightsFile)));
        CollectionAssert.AreEquivalent(new[] { "a", "b" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void FailingWriterKeepsThePreviousCheckpoint()
    {
        using var dir = new TempFolder();
        var path = dir["ckpt"];
        Checkpoint.Save(path, Data());
        var before = File.ReadAllBytes(Path.Combine(path, Checkpoint.WeightsFile));

        var e = Assert.ThrowsExactly<IOException>(() => Checkpoint.Save(path, Data(scale: 2, step: 240), staging =>
        {
            // The new weights are already written when the writer fails.
            Assert.IsTrue(File.Exists(Path.Combine(staging, Checkpoint.WeightsFile)));
            File.WriteAllText(Path.Combine(staging, "partial.bin"), "half");
            throw new IOException("disk full (simulated)");
        }));
        Assert.AreEqual("disk full (simulated)", e.Message);
        AssertSame(Data(), Checkpoint.Load(path));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(Path.Combine(path, Checkpoint.WeightsFile)));
        CollectionAssert.AreEqual(new[] { "ckpt" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ToArray());

        // A tensor the writer rejects also leaves the old checkpoint.
        var bad = new CheckpointData { Tensors = new Dictionary<string, SafeTensor> { [""] = SafeTensor.Create<float>([1f], 1) } };
        Assert.ThrowsExactly<ArgumentException>(() => Checkpoint.Save(path, bad));
        AssertSame(Data(), Checkpoint.Load(path));

        // So does optimizer state without its parameter, which Load would reject.
        var orphan = new CheckpointData { Tensors = new Dictionary<string, SafeTensor> { ["w.exp_avg"] = SafeTensor.Create<float>([1f], 1) } };
        StringAssert.Contains(Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Save(path, orphan)).Message, "optimizer state 'w.exp_avg' has no parameter 'w'");
        AssertSame(Data(), Checkpoint.Load(path));

        // A successful save replaces it; the writer's extra files land in the checkpoint.
        Checkpoint.Save(path, Data(scale: 2, step: 240), staging => File.WriteAllText(Path.Combine(staging, "notes.txt"), "ok"));
        Assert.AreEqual(240, Checkpoint.Load(path).State.Step);
        Assert.IsTrue(File.Exists(Path.Combine(path, "notes.txt")));
    }

    [TestMethod]
    public void SaveInterruptedBetweenRenamesFallsBackOnThePrevious()
    {
        using var dir = new TempFolder();
        Checkpoint.Save(dir["ckpt"], Data());
        Directory.Move(dir["ckpt"], dir[".ckpt.previous"]); // as if the process died after the first rename
        Assert.AreEqual(120, Checkpoint.Load(dir["ckpt"]).State.Step);
        Checkpoint.Save(dir["ckpt"], Data(step: 121));
        Assert.AreEqual(121, Checkpoint.Load(dir["ckpt"]).State.Step);
        Assert.IsFalse(Directory.Exists(dir[".ckpt.previous"]));
    }

    [TestMethod]
    public void RefusesToReplaceAFolderThatIsNotACheckpoint()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir["docs"]);
        File.WriteAllText(Path.Combine(dir["docs"], "thesis.tex"), "precious");
        var e = Assert.ThrowsExactly<CheckpointException>(() => Checkpoint.Save(dir["docs"], Data()));
        StringAssert.Contains(e.Message, "not a checkpoint");
        Assert.IsTrue(File.Exists(Path.Combine(dir["docs"], "thesis.tex")));
    }

    static string LoadFault<T>(string path) where T : Exception => Assert.Throws<T>(() => Checkpoint.Load(path)).Message;

    [TestMethod]
    public void CorruptCheckpointsNameTheFileAndFault()
    {
        using var dir = new TempFolder();
        var path = dir["ckpt"];
        var weights = Path.Combine(path, Checkpoint.WeightsFile);
        var state = Path.Combine(path, Checkpoint.StateFile);
        // Without the recorded hash (as in checkpoints saved before it existed) each fault reaches the parser, whose
        // messages are under test here; WeightsChangedAfterSavingAreRefused covers the hash.
        void Fresh()
        {
            Checkpoint.Save(path, Data());
            File.WriteAllLines(state, File.ReadAllLines(state).Where(l => !l.Contains("\"weights_sha256\"", StringComparison.Ordinal)));
        }

        StringAssert.Contains(LoadFault<CheckpointException>(dir["none"]), "checkpoint folder not found");

        Fresh(); File.Delete(weights);
        StringAssert.Contains(LoadFault<CheckpointException>(path), $"{weights}: missing file");
        Fresh(); File.Delete(state);
        StringAssert.Contains(LoadFault<CheckpointException>(path), $"{state}: missing file");

        Fresh(); var bytes = File.ReadAllBytes(weights); File.WriteAllBytes(weights, bytes[..^10]);
        StringAssert.Contains(LoadFault<SafeTensorsException>(path), $"{weights}: truncated");

        Fresh(); bytes = File.ReadAllBytes(weights); bytes[8] = (byte)'x';
        File.WriteAllBytes(weights, bytes);
        StringAssert.Contains(LoadFault<SafeTensorsException>(path), $"{weights}: header JSON is invalid");

        Fresh(); EditHeader(weights, h => h.Replace("\"data_offsets\":[0,24]", "\"data_offsets\":[0,25]"));
        StringAssert.Contains(LoadFault<SafeTensorsException>(path), "hold 25");
        Fresh(); EditHeader(weights, h => h.Replace("\"data_offsets\":[24,48]", "\"data_offsets\":[25,49]"));
        StringAssert.Contains(LoadFault<SafeTensorsException>(path), "are out of range");

        Fresh(); EditHeader(weights, h => ReplaceFirst(h, "\"F32\"", "\"F31\""));
        StringAssert.Contains(LoadFault<SafeTensorsException>(path), "dtype 'F31' is unknown");

        Fresh(); EditHeader(weights, h => ReplaceFirst(h, "\"shape\":[3,2]", "\"shape\":[2,3]")); // the parameter itself, first in order
        var mismatch = LoadFault<CheckpointException>(path);
        StringAssert.Contains(mismatch, $"{weights}: optimizer state 'adapter.up.weight.exp_avg' is F32[3, 2] but parameter 'adapter.up.weight' is F32[2, 3]");

        Fresh(); File.WriteAllText(state, "{\"format\": \"ortadapter-checkpoint\", ");
        StringAssert.Contains(LoadFault<CheckpointException>(path), $"{state}: invalid JSON");
        Fresh(); File.WriteAllText(state, File.ReadAllText(state).Replace("\"step\": 120", "\"step\": -3"));
        StringAssert.Contains(LoadFault<CheckpointException>(path), "'step' is -3, not a non-negative integer");
    }

    static string ReplaceFirst(string s, string what, string with)
    {
        var i = s.IndexOf(what, StringComparison.Ordinal);
        Assert.IsGreaterThanOrEqualTo(0, i, $"'{what}' not in header {s}");
        return string.Concat(s.AsSpan(0, i), with, s.AsSpan(i + what.Length));
    }

    /// <summary>Rewrites a safetensors file's header text, keeping its data.</summary>
    static void EditHeader(string path, Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(path);
        var n = (int)BitConverter.ToUInt64(bytes, 0);
        var header = System.Text.Encoding.UTF8.GetString(bytes, 8, n);
        var edited = edit(header);
        Assert.AreNotEqual(header, edited, "the edit must change the header");
        File.WriteAllBytes(path, SafeTensorsTests.WithHeader(edited, bytes[(8 + n)..]));
    }
}
