namespace OrtAdapter.Build.Surgery;

/// <summary>The non-linearity inside a bottleneck adapter.</summary>
public enum AdapterActivation
{
    /// <summary>max(0, x).</summary>
    Relu,
    /// <summary>Exact GELU, 0.5·x·(1 + erf(x/√2)), emitted with Erf.</summary>
    Gelu,
    /// <summary>tanh(x).</summary>
    Tanh,
}
