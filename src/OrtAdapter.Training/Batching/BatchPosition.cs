namespace OrtAdapter.Training.Batching;

/// <summary>Where a global step falls: the 0-based epoch and the 0-based batch within it.</summary>
public readonly record struct BatchPosition(int Epoch, int Batch);
