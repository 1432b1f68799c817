using System.Text.Json.Serialization;
using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>
/// A recipe's adapter: its kind and that kind's options. Written as one JSON object, the kind's name first and then
/// the options' fields: <c>{"kind": "houlsby", "reduction_factor": 16, "activation": "relu"}</c>.
/// </summary>
[JsonConverter(typeof(AdapterSpecJsonConverter))]
public sealed record AdapterSpec
{
    public AdapterSpec(IAdapterKind kind, AdapterOptions options)
    {
        if (options.GetType() != kind.OptionsType)
            throw new ArgumentException($"Adapter kind '{kind.Name}' takes {kind.OptionsType.Name}, got {options.GetType().Name}.", nameof(options));
        Kind = kind;
        Options = options;
    }

    public IAdapterKind Kind { get; }
    public AdapterOptions Options { get; }

    /// <summary>The project's default: Houlsby, reduction 16, ReLU.</summary>
    public static AdapterSpec Default { get; } = new(AdapterKinds.Houlsby, new BottleneckAdapterOptions());

    /// <summary>Runs the kind's surgery with the recipe's <paramref name="seed"/>.</summary>
    public AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, int seed) =>
        Kind.Insert(graph, structure, Options with { Seed = seed });

    public override string ToString() => Kind.Name;
}
