// ClassifySentences: classify sentences with a model exported by 'ortadapter export', using nothing but
// Microsoft.ML.OnnxRuntime and Microsoft.ML.Tokenizers.
//
//   dotnet run --project samples/ClassifySentences -- model.onnx "first sentence" "second sentence"
//   cat sentences.txt | dotnet run --project samples/ClassifySentences -- model.onnx
//
// Prints one line per sentence: label <TAB> probability <TAB> name=p for every label <TAB> sentence.
//
// Tokenization uses the library's BertTokenizer. It is close to, but not exactly, BERT's reference tokenizer (e.g. on
// some control and punctuation characters, and on accent stripping of cased vocabularies), which is fine for a sample;
// OrtAdapter.Inference's TextClassifier tokenizes BERT-exactly and is what an application should use.
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: ClassifySentences MODEL.onnx [SENTENCE ...]   (no sentences: one per line on stdin)");
    return 2;
}
string modelPath = args[0];
var sentences = args.Length > 1 ? args[1..].ToList() : ReadStdin();

using var session = new InferenceSession(modelPath);
var metadata = session.ModelMetadata.CustomMetadataMap;

// The export records its labels, truncation length and tokenizer in metadata_props.
if (!metadata.TryGetValue("ortadapter.labels", out var labelsJson))
{
    Console.Error.WriteLine($"{modelPath}: no 'ortadapter.labels' metadata; is this an 'ortadapter export' model?");
    return 1;
}
string[] labels = JsonSerializer.Deserialize<string[]>(labelsJson)!;
int maxLength = metadata.TryGetValue("ortadapter.max_length", out var max) ? int.Parse(max, CultureInfo.InvariantCulture) : 128;
var tokenizer = CreateTokenizer(modelPath, metadata);
bool feedsTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");

foreach (var sentence in sentences)
{
    // [CLS] tokens [SEP], truncated to the model's length; one sentence per run keeps the sample short.
    var tokens = tokenizer.EncodeToIds(sentence, addSpecialTokens: false);
    var ids = tokenizer.BuildInputsWithSpecialTokens(tokens.Take(maxLength - 2)).Select(i => (long)i).ToArray();
    long[] shape = [1, ids.Length];
    var inputs = new Dictionary<string, OrtValue>
    {
        ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, shape),
        ["attention_mask"] = OrtValue.CreateTensorValueFromMemory(Enumerable.Repeat(1L, ids.Length).ToArray(), shape),
    };
    if (feedsTokenTypes) inputs["token_type_ids"] = OrtValue.CreateTensorValueFromMemory(new long[ids.Length], shape);

    using var runOptions = new RunOptions();
    using var outputs = session.Run(runOptions, inputs, ["probabilities"]);
    foreach (var value in inputs.Values) value.Dispose();
    var probabilities = outputs[0].GetTensorDataAsSpan<float>().ToArray();

    int best = Array.IndexOf(probabilities, probabilities.Max());
    string all = string.Join(" ", labels.Select((name, k) => $"{name}={probabilities[k].ToString("F6", CultureInfo.InvariantCulture)}"));
    Console.WriteLine($"{labels[best]}\t{probabilities[best].ToString("F6", CultureInfo.InvariantCulture)}\t{all}\t{sentence}");
}
return 0;

// The vocabulary travels in the metadata ('ortadapter.tokenizer.file.vocab.txt') or as vocab.txt beside the model.
static BertTokenizer CreateTokenizer(string modelPath, IReadOnlyDictionary<string, string> metadata)
{
    bool lowerCase = !metadata.TryGetValue("ortadapter.tokenizer.lower_case", out var lower) || bool.Parse(lower);
    var options = new BertOptions { LowerCaseBeforeTokenization = lowerCase, RemoveNonSpacingMarks = lowerCase };
    if (metadata.TryGetValue("ortadapter.tokenizer.file.vocab.txt", out var vocab))
        return BertTokenizer.Create(new MemoryStream(Encoding.UTF8.GetBytes(vocab)), options);
    return BertTokenizer.Create(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath))!, "vocab.txt"), options);
}

static List<string> ReadStdin()
{
    var lines = new List<string>();
    for (string? line; (line = Console.In.ReadLine()) is not null;)
        if (!string.IsNullOrWhiteSpace(line)) lines.Add(line);
    return lines;
}
