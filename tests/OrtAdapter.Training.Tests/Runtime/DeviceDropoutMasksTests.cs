using Microsoft.ML.OnnxRuntime;
using OrtAdapter.Build.Artifacts;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Training.Runtime;
using OrtAdapter.Training.Tests.Loop;

namespace OrtAdapter.Training.Tests.Runtime;

/// <summary>
/// The mask graph a GPU runs for itself must give the host generator's masks bit for bit (a resumed or CPU run then
/// draws the same masks). Its ops are wrapping uint32 arithmetic, exact on every provider: checked here on the CPU one.
/// </summary>
[TestClass]
public sealed class DeviceDropoutMasksTests
{
    static readonly DropoutMaskSpec[] Sites =
    [
        new("embeddings/mask", ["batch_size", "sequence_length", "24"], 0.1f),
        new("attention/mask", ["batch_size", "3", "sequence_length", "sequence_length"], 0.25f),
        new("no-dropout/mask", ["batch_size", "sequence_length", "8"], 0f),
        new("heavy/mask", ["batch_size", "24"], 0.9f),
    ];

    static TinyRun? _run;

    [ClassInitialize]
    public static void MakeArtifacts(TestContext _) => _run = new TinyRun();

    [ClassCleanup]
    public static void RemoveArtifacts() => _run?.Dispose();

    /// <summary>The tiny artifacts' manifest (its batch dims are batch_size and sequence_length) with the sites above.</summary>
    static ArtifactManifest Manifest() => _run!.Manifest with { DropoutMasks = Sites };

    [TestMethod]
    [DataRow(2, 5, 0UL, 0L)]
    [DataRow(7, 33, 42UL, 12345L)]
    [DataRow(1, 1, ulong.MaxValue, long.MaxValue)]
    public void GraphMasksEqualTheHostGeneratorsBitForBit(int batch, int sequence, ulong seed, long step)
    {
        using var device = new DeviceDropoutMasks(Sites, ExecutionDevice.Cpu);
        using var onDevice = new FeedBuilder(Manifest(), device).DropoutMasks(batch, sequence, seed, step);
        using var onHost = new FeedBuilder(Manifest()).DropoutMasks(batch, sequence, seed, step);
        Assert.HasCount(Sites.Length, onDevice.Feeds);
        for (int i = 0; i < Sites.Length; i++)
        {
            var (name, value) = onDevice.Feeds[i];
            Assert.AreEqual(onHost.Feeds[i].Name, name);
            CollectionAssert.AreEqual(onHost.Feeds[i].Value.GetTensorTypeAndShape().Shape, value.GetTensorTypeAndShape().Shape, name);
            CollectionAssert.AreEqual(onHost.Feeds[i].Value.GetTensorDataAsSpan<byte>().ToArray(), value.GetTensorDataAsSpan<byte>().ToArray(), name);
        }
    }

    [TestMethod]
    public void OnlyKeysAndShapesCrossToTheDevice()
    {
        using var device = new DeviceDropoutMasks(Sites, ExecutionDevice.Cpu);
        using var onDevice = new FeedBuilder(Manifest(), device).DropoutMasks(32, 128, 1, 1);
        using var onHost = new FeedBuilder(Manifest()).DropoutMasks(32, 128, 1, 1);
        // Two keys (4 bytes each); per site its start and end (4 each) and shape (8 per dim).
        Assert.AreEqual(8 + Sites.Sum(s => 8 + 8 * s.Dims.Count), onDevice.HostBytes);
        Assert.AreEqual(onHost.Feeds.Sum(f => f.Value.GetTensorSizeInBytes()), onHost.HostBytes);
    }

    [TestMethod]
    public void TrainingWithGraphMasksLogsTheSameLossesAsWithHostMasks()
    {
        var manifest = _run!.Manifest;
        Assert.IsNotEmpty(manifest.DropoutMasks);
        using var device = new DeviceDropoutMasks(manifest.DropoutMasks, ExecutionDevice.Cpu);
        using var a = new FeedBuilder(manifest, device).DropoutMasks(4, 9, 7, 3);
        using var b = new FeedBuilder(manifest).DropoutMasks(4, 9, 7, 3);
        for (int i = 0; i < a.Feeds.Count; i++)
            CollectionAssert.AreEqual(b.Feeds[i].Value.GetTensorDataAsSpan<byte>().ToArray(), a.Feeds[i].Value.GetTensorDataAsSpan<byte>().ToArray(), a.Feeds[i].Name);
        Assert.IsTrue(a.Feeds.All(f => f.Value.GetTensorMemoryInfo().GetDeviceType() == OrtMemoryInfoDeviceType.CPU));
    }
}
