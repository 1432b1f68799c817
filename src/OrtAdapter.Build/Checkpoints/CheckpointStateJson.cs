using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OrtAdapter.Build.Checkpoints;

/// <summary><c>state.json</c>: written with a fixed property order and sorted extras so equal states give equal bytes.</summary>
internal static class CheckpointStateJson
{
    const string Format = "ortadapter-checkpoint";
    const int Version = 1;

    public static string Write(CheckpointState s, string weightsSha256)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("format", Format);
            w.WriteNumber("version", Version);
            w.WriteNumber("step", s.Step);
            w.WriteNumber("epoch", s.Epoch);
            w.WriteString("weights_sha256", weightsSha256);
            w.WritePropertyName("best_metric");
            if (s.BestMetric is { } m && double.IsFinite(m)) w.WriteNumberValue(m); else w.WriteNullValue();
            w.WritePropertyName("options");
            if (s.Options is null) w.WriteNullValue(); else s.Options.WriteTo(w);
            w.WriteStartObject("extra");
            foreach (var key in s.Extra.Keys.OrderBy(k => k, StringComparer.Ordinal)) w.WriteString(key, s.Extra[key]);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    public static CheckpointState Read(string path)
    {
        CheckpointException Fault(string what) => new($"{path}: {what}");
        if (!File.Exists(path)) throw Fault("missing file.");
        JsonNode? root;
        var bytes = File.ReadAllBytes(path);
        // JsonNode checks UTF-8 only when a string is read: check it here, with a clear message.
        if (!System.Text.Unicode.Utf8.IsValid(bytes)) throw Fault("not UTF-8 text.");
        // A repeated key would throw ArgumentException on first access: refuse it at parse time (found by AFL).
        try { root = JsonNode.Parse(bytes, documentOptions: new JsonDocumentOptions { AllowDuplicateProperties = false }); }
        catch (JsonException ex) { throw new CheckpointException($"{path}: invalid JSON: {ex.Message}", ex); }
        if (root is not JsonObject o) throw Fault("not a JSON object.");
        if (o["format"]?.GetValueKind() != JsonValueKind.String || (string)o["format"]! != Format)
            throw Fault($"'format' is not \"{Format}\".");
        var version = Integer(o, "version", Fault);
        if (version != Version) throw Fault($"version {version} is not supported (this build reads {Version}).");
        var epoch = Integer(o, "epoch", Fault);
        if (epoch > int.MaxValue) throw Fault($"'epoch' {epoch} is out of range.");
        var best = o["best_metric"];
        if (best is not null && best.GetValueKind() != JsonValueKind.Number) throw Fault("'best_metric' is neither a number nor null.");
        var sha = o["weights_sha256"];
        if (sha is not null && (sha.GetValueKind() != JsonValueKind.String || ((string)sha!).Length != 64)) throw Fault("'weights_sha256' is not a SHA-256 in hex.");
        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        if (o["extra"] is { } e)
        {
            if (e is not JsonObject eo) throw Fault("'extra' is not an object of strings.");
            foreach (var (key, value) in eo)
                extra[key] = value?.GetValueKind() == JsonValueKind.String ? (string)value! : throw Fault($"'extra.{key}' is not a string.");
        }
        return new CheckpointState
        {
            Step = Integer(o, "step", Fault),
            Epoch = (int)epoch,
            BestMetric = best is null ? null : (double)best,
            Options = o["options"]?.DeepClone(),
            WeightsSha256 = sha is null ? null : (string)sha!,
            Extra = extra,
        };
    }

    static long Integer(JsonObject o, string name, Func<string, CheckpointException> fault)
    {
        var node = o[name];
        if (node?.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var v) || v < 0)
            throw fault($"'{name}' is {(node is null ? "missing" : node.ToJsonString())}, not a non-negative integer.");
        return v;
    }
}
