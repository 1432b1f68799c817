namespace OrtAdapter.Build.Surgery;

/// <summary>A value that the training graph drops out at <paramref name="Rate"/>; every reader of it reads the dropped value.</summary>
public sealed record DropoutPoint(string Value, float Rate);
