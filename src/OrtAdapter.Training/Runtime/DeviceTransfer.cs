using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtAdapter.Inference.Runtime;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// Allocates float tensors in a device's memory and copies them to and from host arrays, through a one-node Identity
/// session on that device: ONNX Runtime's own feed and fetch copies move the bytes. This needs nothing but a session
/// (<c>OrtEnv.CopyTensors</c> would need the provider registered as an environment-level library as well). Not on
/// the per-step path: uploads at start and restore, read-backs for checkpoints and export.
/// </summary>
public sealed class DeviceTransfer : IDisposable
{
    const string Input = "x", Output = "y";
    readonly SessionOptions _options;
    readonly InferenceSession _session;
    readonly OrtIoBinding _binding;
    readonly OrtMemoryInfo _memory;
    readonly OrtAllocator _allocator;
    readonly RunOptions _run = new();

    public DeviceTransfer(ExecutionDevice device)
    {
        Device = device;
        _options = device.CreateSessionOptions(threads: 1);
        _options.GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL; // keep the Identity: it is the copy
        _session = new InferenceSession(ModelFile.ToBytes(IdentityModel()), _options);
        _binding = _session.CreateIoBinding();
        _memory = device.CreateMemoryInfo();
        _allocator = new OrtAllocator(_session, _memory);
    }

    public ExecutionDevice Device { get; }

    /// <summary>A new uninitialised float tensor in the device's memory; it must not outlive this object.</summary>
    public OrtValue Allocate(long[] shape) => OrtValue.CreateAllocatedTensorValue(_allocator, TensorElementType.Float, shape);

    /// <summary>Copies <paramref name="host"/> (shaped like <paramref name="device"/>) into the device tensor.</summary>
    public void Upload(float[] host, OrtValue device)
    {
        using var source = OrtValue.CreateTensorValueFromMemory(host, device.GetTensorTypeAndShape().Shape);
        Copy(source, device);
    }

    /// <summary>Copies the device tensor into a new host array.</summary>
    public float[] Download(OrtValue device)
    {
        var shape = device.GetTensorTypeAndShape();
        var host = new float[shape.ElementCount];
        using var target = OrtValue.CreateTensorValueFromMemory(host, shape.Shape);
        Copy(device, target);
        return host;
    }

    void Copy(OrtValue from, OrtValue to)
    {
        _binding.ClearBoundInputs();
        _binding.ClearBoundOutputs();
        _binding.BindInput(Input, from);
        _binding.BindOutput(Output, to);
        _binding.SynchronizeBoundInputs();
        _session.RunWithBinding(_run, _binding);
        _binding.SynchronizeBoundOutputs();
    }

    static ModelProto IdentityModel()
    {
        var graph = RuntimeModel.Create("device_transfer");
        graph.Proto.Input.Add(RuntimeModel.Value(Input, (int)DataType.Float, null));
        graph.Proto.Output.Add(RuntimeModel.Value(Output, (int)DataType.Float, null));
        graph.AddNode(new NodeProto { OpType = OpTypes.Identity, Name = "copy", Input = { Input }, Output = { Output } });
        return graph.Model;
    }

    public void Dispose()
    {
        _allocator.Dispose();
        _binding.Dispose();
        _session.Dispose();
        _options.Dispose();
        if (Device.IsCuda) _memory.Dispose();
        _run.Dispose();
    }
}
