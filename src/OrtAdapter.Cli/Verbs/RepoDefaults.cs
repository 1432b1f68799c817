namespace OrtAdapter.Cli.Verbs;

/// <summary>Default paths of the bundled model, prebuilt artifacts and data, relative to the working directory.</summary>
static class RepoDefaults
{
    public const string BaseModel = "graphs/bert-mini-uncased/model_opset17.onnx";
    public const string PrebuiltArtifacts = "graphs/bert-mini-uncased/default";
    public const string ArtifactCache = "artifacts/cache";
    public const string ModelCache = "artifacts/models";
    public const string TrainData = "data/sentiment-uci/train.jsonl";
    public const string DevData = "data/sentiment-uci/dev.jsonl";
    public const string TestData = "data/sentiment-uci/test.jsonl";
    public const string Runs = "runs";
}
