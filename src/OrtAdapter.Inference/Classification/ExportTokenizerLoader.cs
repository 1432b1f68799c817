using System.Text;
using System.Text.Json.Nodes;
using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Classification;

/// <summary>
/// Builds an export's tokenizer from wherever its files are: embedded in the metadata, listed beside the model, or
/// simply lying beside it. The tokenizer readers take a folder, so the files are gathered into a private scratch
/// folder (deleted before returning), where the metadata's casing is applied to <c>tokenizer_config.json</c>.
/// </summary>
internal static class ExportTokenizerLoader
{
    /// <summary>Files <see cref="TextTokenizer.FromModelDirectory"/> reads, taken from beside a model that lists none.</summary>
    private static readonly string[] KnownFiles = ["vocab.txt", "tokenizer_config.json", "vocab.json", "merges.txt", "tokenizer.json"];

    private const string ConfigFile = "tokenizer_config.json";

    public static ITextTokenizer Load(ExportMetadata metadata, string? overrideDirectory)
    {
        if (overrideDirectory is not null) return TextTokenizer.FromModelDirectory(overrideDirectory);
        string modelDir = Path.GetDirectoryName(Path.GetFullPath(metadata.ModelPath))!;
        string scratch = Path.Combine(Path.GetTempPath(), "ortadapter-tokenizer-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(scratch);
        try
        {
            string origin = Gather(metadata, modelDir, scratch);
            if (metadata.LowerCase is bool lower) SetLowerCase(Path.Combine(scratch, ConfigFile), lower);
            try
            {
                return TextTokenizer.FromModelDirectory(scratch);
            }
            catch (Exception ex) when (ex is InvalidDataException or FileNotFoundException)
            {
                // The scratch path means nothing to the user: name the model and where the files came from.
                throw new ModelMetadataException($"Model '{metadata.ModelPath}': its tokenizer ({origin}) could not be loaded: {ex.Message.Replace(scratch, "<tokenizer>", StringComparison.Ordinal)}", ex);
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>Copies the tokenizer files into <paramref name="scratch"/>; returns where they came from, for messages.</summary>
    private static string Gather(ExportMetadata metadata, string modelDir, string scratch)
    {
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        foreach (var (name, content) in metadata.EmbeddedTokenizerFiles)
            File.WriteAllText(Path.Combine(scratch, name), content, utf8);
        foreach (var name in metadata.TokenizerFilesBeside)
        {
            string source = Path.Combine(modelDir, name);
            if (!File.Exists(source))
                throw new ModelMetadataException(
                    $"Model '{metadata.ModelPath}': metadata key '{ExportMetadataKeys.TokenizerFiles}' lists '{name}', but '{source}' does not exist.");
            if (!metadata.EmbeddedTokenizerFiles.ContainsKey(name)) File.Copy(source, Path.Combine(scratch, name));
        }
        if (metadata.EmbeddedTokenizerFiles.Count > 0)
            return $"metadata keys '{ExportMetadataKeys.TokenizerFilePrefix}*'";
        if (metadata.TokenizerFilesBeside.Count > 0)
            return $"files listed in metadata key '{ExportMetadataKeys.TokenizerFiles}'";

        int copied = 0;
        foreach (var name in KnownFiles)
        {
            string source = Path.Combine(modelDir, name);
            if (!File.Exists(source)) continue;
            File.Copy(source, Path.Combine(scratch, name));
            copied++;
        }
        if (copied == 0)
            throw new ModelMetadataException(
                $"Model '{metadata.ModelPath}' has no tokenizer: no metadata key '{ExportMetadataKeys.TokenizerFilePrefix}vocab.txt' (or other " +
                $"'{ExportMetadataKeys.TokenizerFilePrefix}*' file), no '{ExportMetadataKeys.TokenizerFiles}', and no vocab.txt, vocab.json or tokenizer.json in '{modelDir}'.");
        return $"files beside the model in '{modelDir}'";
    }

    /// <summary>Writes <c>do_lower_case</c> into the config, keeping its other fields (creating it when absent).</summary>
    private static void SetLowerCase(string configPath, bool lowerCase)
    {
        JsonObject config;
        try
        {
            config = File.Exists(configPath)
                ? JsonNode.Parse(File.ReadAllText(configPath), documentOptions: new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false }) as JsonObject ?? new JsonObject()
                : new JsonObject();
        }
        catch (System.Text.Json.JsonException)
        {
            return; // left as it is: the tokenizer reader reports the malformed file
        }
        config["do_lower_case"] = lowerCase;
        File.WriteAllText(configPath, config.ToJsonString());
    }
}
