using OrtAdapter.Build.Surgery;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Adapters;

/// <summary>
/// A kind of adapter, as a plug-in: its options, its surgery, what it makes trainable and how the lean export merges
/// it into the base. Register a new kind in <see cref="AdapterKinds.All"/>; the builder, trainer, export and attach
/// then handle it without an edit. The adapter-only file needs nothing kind-specific: it holds the tensors that
/// <see cref="Insert"/> made trainable, and the recipe, whose adapter spec is written and read as
/// <see cref="OptionsType"/>, so attach reruns the same surgery.
/// </summary>
public interface IAdapterKind
{
    /// <summary>The kind's name on the command line (<c>--adapter</c>) and in recipes, lower case.</summary>
    string Name { get; }

    /// <summary>One line for <c>--help</c>.</summary>
    string Summary { get; }

    /// <summary>The kind's options record: a recipe's adapter spec is this type.</summary>
    Type OptionsType { get; }

    /// <summary>The command-line options the kind reads (<see cref="AdapterSettings"/>); any other adapter option given with it is refused.</summary>
    IReadOnlyList<string> CommandLineOptions { get; }

    /// <summary>The kind's options from the command line's settings (a setting not given takes the kind's default).</summary>
    AdapterOptions Configure(AdapterSettings settings);

    /// <summary>Inserts the adapters into a base encoder graph; returns the new trainable tensors in creation order and any dropout points.</summary>
    AdapterPassResult Insert(OnnxGraph graph, EncoderStructure structure, AdapterOptions options);

    /// <summary>
    /// Lean export: folds the trained adapters into the frozen weights where the kind allows it; returns how many
    /// tensors or branches it folded (0: the adapter stays as nodes). <paramref name="trainable"/>: the recipe's
    /// trainable tensors (the kind's and the head's), initializers of <paramref name="lean"/> by now.
    /// </summary>
    int FoldIntoBase(OnnxGraph lean, IReadOnlyCollection<string> trainable);
}
