using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace OrtAdapter.Build.Adapters;

/// <summary>Reads and writes an <see cref="AdapterSpec"/> through the registry: "kind" picks the options type.</summary>
public sealed class AdapterSpecJsonConverter : JsonConverter<AdapterSpec>
{
    const string KindKey = "kind";

    public override AdapterSpec Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
            throw new JsonException($"The adapter must be an object such as {{\"{KindKey}\": \"houlsby\", ...}} (a recipe of an older OrtAdapter? rebuild it).");
        // A repeated key would make JsonObject throw ArgumentException on first access (found by AFL): refuse it here.
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
            if (!keys.Add(property.Name)) throw new JsonException($"The adapter has the key '{property.Name}' twice.");
        var spec = JsonObject.Create(root)!;
        if (spec[KindKey] is not JsonValue v || !v.TryGetValue<string>(out var name))
            throw new JsonException($"The adapter has no \"{KindKey}\" name; the kinds are {string.Join(", ", AdapterKinds.Names)}.");
        var kind = AdapterKinds.Find(name) ?? throw new JsonException($"Unknown adapter kind '{name}'; the kinds are {string.Join(", ", AdapterKinds.Names)}.");
        spec.Remove(KindKey);
        var kindOptions = (Surgery.AdapterOptions?)spec.Deserialize(kind.OptionsType, options)
            ?? throw new JsonException($"The options of adapter kind '{name}' are empty.");
        return new AdapterSpec(kind, kindOptions);
    }

    public override void Write(Utf8JsonWriter writer, AdapterSpec value, JsonSerializerOptions options)
    {
        var fields = JsonSerializer.SerializeToNode(value.Options, value.Kind.OptionsType, options)!.AsObject();
        var spec = new JsonObject { [KindKey] = value.Kind.Name };
        foreach (var (key, field) in fields.ToList())
        {
            fields.Remove(key);
            spec[key] = field;
        }
        spec.WriteTo(writer, options);
    }
}
