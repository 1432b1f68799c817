using System.CommandLine;
using System.Text;
using OrtAdapter.Inference.Classification;

namespace OrtAdapter.Cli.Verbs;

/// <summary>
/// <c>ortadapter predict MODEL [--input FILE|-] [--jsonl]</c>: classifies plain lines or JSON Lines with an exported
/// model and writes one JSON object per text to stdout. The work is <see cref="PredictionStream"/>'s.
/// </summary>
public static class PredictVerb
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "An exported model (.onnx written by 'ortadapter export')." };
        var input = new Option<string>("--input") { DefaultValueFactory = _ => "-", Description = "Input file, or - for stdin." };
        var jsonl = new Option<bool>("--jsonl") { Description = "Input is JSON Lines (one object per line) rather than one text per line." };
        var textField = new Option<string>("--text-field") { DefaultValueFactory = _ => "text", Description = "JSONL field holding the text." };
        var pairField = new Option<string?>("--pair-field") { Description = "JSONL field holding the second text of a pair." };
        var batch = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Texts per model run." }.AtLeast(1);
        var maxLength = new Option<int?>("--max-length") { Description = "Truncation length (default: the model's, else 128)." };
        var threshold = new Option<float>("--threshold") { DefaultValueFactory = _ => 0.5f, Description = "Multi-label models: predict every label with at least this probability (written as \"labels\")." };
        var device = new DeviceOptions();
        var threads = new Option<int>("--threads") { DefaultValueFactory = _ => 0, Description = "Intra-op threads (0 = all cores)." }.AtLeast(0);
        var command = new Command("predict", "Classify texts (lines or JSONL, from a file or stdin) with an exported model; writes JSONL to stdout.")
        {
            model, input, jsonl, textField, pairField, batch, maxLength, threshold, threads,
        };
        foreach (var o in device.All) command.Options.Add(o);
        command.SetAction(p =>
        {
            string inputPath = p.GetValue(input)!;
            using var classifier = TextClassifier.Load(p.GetRequiredValue(model), new ClassifierOptions
            {
                Device = device.DeviceOf(p), CudaTf32 = device.Tf32Of(p), Threads = p.GetValue(threads), BatchSize = p.GetValue(batch), MaxLength = p.GetValue(maxLength),
                MultiLabelThreshold = p.GetValue(threshold),
            });
            // UTF-8 (a BOM is honoured) in and out, whatever the console's encoding.
            using var reader = new StreamReader(inputPath == "-" ? Console.OpenStandardInput() : File.OpenRead(inputPath));
            var options = new PredictionStreamOptions
            {
                Jsonl = p.GetValue(jsonl), TextField = p.GetValue(textField)!, PairField = p.GetValue(pairField),
                BatchSize = p.GetValue(batch), SourceName = inputPath == "-" ? "<stdin>" : inputPath,
            };
            // Buffered; PredictionStream flushes after each batch.
            using var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            try
            {
                PredictionStream.Run(classifier, reader, stdout, options);
            }
            catch (InvalidDataException e)
            {
                // A malformed input line or tokenizer file: the user's data, so one line and exit code 1, like other user faults.
                stdout.Flush();
                Console.Error.WriteLine($"error: {e.Message}");
                return 1;
            }
            return 0;
        });
        return command;
    }
}
