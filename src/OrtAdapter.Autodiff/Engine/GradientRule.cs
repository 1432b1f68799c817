namespace OrtAdapter.Autodiff;

/// <summary>
/// Emits the gradients of one node's inputs from the gradients of its outputs. A rule reads
/// <see cref="GradContext.GO"/> and calls <see cref="GradContext.GI"/> only for inputs where
/// <see cref="GradContext.Needs"/> is true.
/// </summary>
public delegate void GradientRule(GradContext c);
