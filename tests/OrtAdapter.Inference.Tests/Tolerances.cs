namespace OrtAdapter.Inference.Tests;

/// <summary>Every numerical tolerance of this project, in one place; never loosened to make a test pass.</summary>
internal static class Tolerances
{
    /// <summary>A row predicted alone vs inside a padded batch: float32, only padding and reduction order differ.</summary>
    public const double BatchVsSingle = 1e-5;

    /// <summary>Probabilities printed by the sample (library BertTokenizer, 6 decimals) vs <c>TextClassifier</c>.</summary>
    public const double SampleVsClassifier = 1e-3;

    /// <summary>Softmax probabilities summing to one in float32.</summary>
    public const double ProbabilitySum = 1e-5;

    /// <summary>Probabilities written to JSONL (shortest round-trip float) vs <c>Predict</c>.</summary>
    public const double JsonRoundTrip = 1e-7;
}
