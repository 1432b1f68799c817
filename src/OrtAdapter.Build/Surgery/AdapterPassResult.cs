namespace OrtAdapter.Build.Surgery;

/// <summary>What an adapter pass added.</summary>
/// <param name="TrainableInitializers">Names of the new trainable initializers, in creation order.</param>
/// <param name="DropoutPoints">Values the training graph should drop out (LoRA input dropout); hand them to <see cref="DropoutPass"/>.</param>
public sealed record AdapterPassResult(IReadOnlyList<string> TrainableInitializers, IReadOnlyList<DropoutPoint> DropoutPoints);
