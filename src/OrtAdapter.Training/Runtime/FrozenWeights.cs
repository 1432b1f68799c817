using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Training.Runtime;

/// <summary>
/// The frozen base weights, once in memory: the artifacts' external-data file is memory-mapped and each frozen
/// initializer becomes an OrtValue over its bytes, handed to every session with SessionOptions.AddInitializer
/// (so the training and eval sessions share them, and MatMul can still pre-pack them as constants).
/// </summary>
public sealed unsafe class FrozenWeights : IDisposable
{
    readonly MemoryMappedFile _file;
    readonly MemoryMappedViewAccessor _view;
    readonly byte* _base;
    readonly List<(string Name, OrtValue Value)> _values = [];

    FrozenWeights(string path, IEnumerable<TensorProto> tensors)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref _base);
        var length = new FileInfo(path).Length;
        foreach (var t in tensors)
        {
            var (offset, size) = Location(t, path);
            if (offset + size > length)
                throw new OnnxFormatException($"{path}: tensor '{t.Name}' wants bytes [{offset}, {offset + size}) of a {length}-byte file.");
            var value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, ElementType(t), [.. t.Dims], (IntPtr)(_base + offset), size);
            _values.Add((t.Name, value));
        }
    }

    /// <summary>Maps the external data file that <paramref name="model"/>'s frozen initializers point at.</summary>
    public static FrozenWeights Open(string artifactsFolder, ModelProto model, string fileName)
    {
        var path = Path.Combine(artifactsFolder, fileName);
        if (!File.Exists(path)) throw new OnnxFormatException($"{path}: frozen weights file not found.");
        var external = model.Graph.Initializer.Where(t => ExternalData.IsExternal(t) && LocationOf(t) == fileName);
        return new FrozenWeights(path, external);
    }

    public int Count => _values.Count;
    public long Bytes => _values.Sum(v => v.Value.GetTensorSizeInBytes());

    /// <summary>Makes <paramref name="options"/> take these tensors instead of loading them again.</summary>
    public void AddTo(SessionOptions options)
    {
        foreach (var (name, value) in _values) options.AddInitializer(name, value);
    }

    /// <summary>
    /// Lets the system drop the mapped pages read so far. Creating the sessions reads nearly every weight (pre-packing
    /// copies the MatMul weights, constant folding transposes them), after which a training step reads only the
    /// embedding rows of its tokens and the small tensors: the dropped pages come back from the page cache when read,
    /// and the rest stop counting in the process's memory (MiniLM: 84 of 90 MB resident before, the used ones after).
    /// Linux only (madvise); elsewhere the pages stay.
    /// </summary>
    public void ReleaseReadPages()
    {
        if (!OperatingSystem.IsLinux()) return;
        var length = (nuint)_view.Capacity;
        if (length > 0 && Madvise((nint)_base, length, DontNeed) != 0)
            throw new InvalidOperationException($"madvise(MADV_DONTNEED) on the frozen weights failed: errno {Marshal.GetLastPInvokeError()}.");
    }

    const int DontNeed = 4;

    [DllImport("libc", EntryPoint = "madvise", SetLastError = true)]
    static extern int Madvise(nint address, nuint length, int advice);

    public void Dispose()
    {
        foreach (var (_, value) in _values) value.Dispose();
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    static string? LocationOf(TensorProto t) => t.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value;

    static (long Offset, long Size) Location(TensorProto t, string path)
    {
        var (offset, size) = ExternalData.Range(t);
        if (size != TensorData.ByteSize(t)) throw new OnnxFormatException($"{path}: tensor '{t.Name}' has {size} bytes, its shape needs {TensorData.ByteSize(t)}.");
        return (offset, size);
    }

    static TensorElementType ElementType(TensorProto t) => (TensorElementType)t.DataType;
}
