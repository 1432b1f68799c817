using OrtAdapter.Inference.Runtime;
using OrtAdapter.Training.Runtime;

namespace OrtAdapter.Training.Tests.Runtime;

[TestClass]
public sealed class DeviceTransferTests
{
    /// <summary>The Identity-session copy that CUDA uses for uploads and read-backs, run on the CPU provider.</summary>
    [TestMethod]
    public void UploadThenDownloadGivesTheSameValues()
    {
        using var transfer = new DeviceTransfer(ExecutionDevice.Cpu);
        float[] values = [1.5f, -0f, float.MaxValue, float.Epsilon, -3.25f, 7f];
        using var tensor = transfer.Allocate([2, 3]);
        transfer.Upload(values, tensor);
        CollectionAssert.AreEqual(values, transfer.Download(tensor));
        CollectionAssert.AreEqual(new long[] { 2, 3 }, tensor.GetTensorTypeAndShape().Shape);
        // A second upload overwrites the same buffer.
        transfer.Upload([.. values.Select(v => v * 2)], tensor);
        CollectionAssert.AreEqual(values.Select(v => v * 2).ToArray(), transfer.Download(tensor));
    }

    [TestMethod]
    public void ParameterStoreOnADeviceReadsBackWhatItWasGiven()
    {
        // The CUDA layout (both buffers allocated and copied by a DeviceTransfer), here on the CPU provider.
        var shapes = new List<(string, long[])> { ("w", [2, 2]), ("b", [3]) };
        var state = new Dictionary<string, float[]> { ["w"] = [1, 2, 3, 4], ["b"] = [5, 6, 7], ["w.exp_avg"] = [0.5f, 0, 0, 1] };
        using var store = new ParameterStore(shapes, state, new DeviceTransfer(ExecutionDevice.Cpu));
        var all = store.ReadAll();
        CollectionAssert.AreEqual(state["w"], all["w"]);
        CollectionAssert.AreEqual(state["w.exp_avg"], all["w.exp_avg"]);
        CollectionAssert.AreEqual(new float[3], all["b.exp_avg_sq"]);
        store.Load(new Dictionary<string, float[]> { ["b"] = [8, 9, 10] });
        CollectionAssert.AreEqual(new float[] { 8, 9, 10 }, store.ReadAll()["b"]);
        // A step writes the next buffers; after the swap they are what reads back.
        store.Swap();
        store.Load(new Dictionary<string, float[]> { ["b"] = [1, 1, 1] });
        store.Swap();
        CollectionAssert.AreEqual(new float[] { 8, 9, 10 }, store.ReadAll()["b"]);
    }
}
