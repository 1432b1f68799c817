using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>Base of the adapter kinds: types the options once, so a kind works with its own record.</summary>
public abstract class AdapterKind<TOptions> : IAdapterKind where TOptions : AdapterOptions
{
    public abstract string Name { get; }
    public abstract string Summary { get; }
    public Type OptionsType => typeof(TOptions);
    public abstract IReadOnlyList<string> CommandLineOptions { get; }

    public abstract TOptions Configure(AdapterSettings settings);
    public abstract AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, TOptions options);

    /// <summary>Default: the adapter stays as nodes of the lean model.</summary>
    public virtual int FoldIntoBase(OnnxGraph lean, IReadOnlyCollection<string> trainable) => 0;

    AdapterOptions IAdapterKind.Configure(AdapterSettings settings) => Configure(settings);

    AdapterPassResult IAdapterKind.Insert(OnnxGraph graph, EncoderStructure structure, AdapterOptions options) =>
        Insert(graph, structure, options as TOptions
            ?? throw new ArgumentException($"Adapter kind '{Name}' takes {typeof(TOptions).Name}, got {options.GetType().Name}.", nameof(options)));

    public override string ToString() => Name;
}
