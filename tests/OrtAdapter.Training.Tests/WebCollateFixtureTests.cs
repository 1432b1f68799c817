using System.Text;
using System.Text.Json.Nodes;
using OrtAdapter.Inference;
using OrtAdapter.Inference.Tokenization;
using OrtAdapter.Training.Batching;
using OrtAdapter.Training.Data;
using OrtAdapter.Training.Tests.Data;

namespace OrtAdapter.Training.Tests;

/// <summary>
/// The browser trainer (web/src/collate.ts) must feed the encoder exactly the token tensors this one does, so
/// web/test/fixtures/collate.json holds batches collated here by <see cref="BatchCollator"/> with bert-mini-uncased's
/// real tokenizer: their texts, pairs and maximum length, and the padded input_ids / attention_mask / token_type_ids.
/// web/test/collate.test.ts asserts equality with it. With ORTADAPTER_WRITE_WEB_FIXTURES=1 the fixture is rewritten.
/// </summary>
[TestClass]
public sealed class WebCollateFixtureTests
{
    const string TokenizerFolder = "graphs/bert-mini-uncased";

    sealed record Case(string Name, int MaxLength, string[] Texts, string?[]? Pairs = null);

    static readonly string LongText = "It feels poorly constructed, the menus are difficult to navigate, and the buttons are so recessed that it is difficult to push them.";

    static readonly Case[] Cases =
    [
        new("rows of different lengths pad to the longest", 128, ["Hello, World!", "The movie's plot was UNBELIEVABLY dull...", "ok"]),
        new("unicode: accents, CJK, emoji, casing, controls", 64,
            ["naïve café-goers paid $3.50 (approx.)", "東京 tokyo 日本 — Ünïcödé àccents 🙂", "ΟΔΟΣ İstanbul straße ǅ Ⅻ", "tabs\tand\nnew\u2028lines\u0000\u200b\u00ad end", "don't stop—ever…"]),
        new("a long text is cut at max length 12", 12, [LongText, "short one", "Supercalifragilisticexpialidocious"]),
        new("every row fills max length 8", 8, [LongText, LongText.ToUpperInvariant()]),
        new("pairs: the second text has token type 1", 128,
            ["Terrible.", "The battery runs down quickly."], ["Would not buy again.", "It lasted one day."]),
        new("pairs are cut longest first, ties from the second text", 12,
            [LongText, "short", "one two three four", "a b c"], ["tiny", LongText, "five six seven eight", "d e f"]),
        new("rows without a pair next to rows with one", 16, ["first text", "second text is here", "third"], ["its pair", null, "and its pair, which is longer"]),
        new("empty texts and an empty pair", 16, ["", "a", "b"], [null, "", "c"]),
        new("a word over 100 characters is one [UNK]", 32, [string.Concat(Enumerable.Repeat("ab", 51)) + " then words", "x"]),
    ];

    [TestMethod]
    public void FixtureHoldsWhatTheCollatorProduces()
    {
        var root = TestData.RepoRoot();
        var path = Path.Combine(root, "web", "test", "fixtures", "collate.json");
        var computed = Compute(root);
        if (WebFixture.CommittedOrRewrite(path, () => Format(computed)) is not { } committed) return;
        Assert.IsTrue(JsonNode.DeepEquals(committed["tokenizer"], computed["tokenizer"]), "collate.json names another tokenizer.");
        var expected = computed["batches"]!.AsArray();
        var actual = committed["batches"]!.AsArray();
        Assert.HasCount(expected.Count, actual);
        for (var i = 0; i < expected.Count; i++)
            Assert.IsTrue(JsonNode.DeepEquals(actual[i], expected[i]),
                $"collate.json batch '{Cases[i].Name}' differs from what BatchCollator produces; {WebFixture.Rewrite}.");
    }

    static JsonObject Compute(string root)
    {
        var tokenizer = TextTokenizer.FromModelDirectory(Path.Combine(root, TokenizerFolder));
        return new()
        {
            ["tokenizer"] = TokenizerFolder,
            ["batches"] = new JsonArray([.. Cases.Select(c => (JsonNode)Collate(tokenizer, c))]),
        };
    }

    static JsonObject Collate(ITextTokenizer tokenizer, Case c)
    {
        var examples = c.Texts.Select((text, i) => new Example(text, c.Pairs?[i], [0], null, $"{c.Name}:{i}")).ToArray();
        var collator = BatchCollator.Create(examples, tokenizer, TaskKind.SingleLabel, labelCount: 2, c.MaxLength);
        var inputs = collator.Collate([.. Enumerable.Range(0, examples.Length)]).Inputs;
        return new()
        {
            ["name"] = c.Name,
            ["maxLength"] = c.MaxLength,
            ["texts"] = new JsonArray([.. c.Texts.Select(t => (JsonNode?)t)]),
            ["pairs"] = c.Pairs is null ? null : new JsonArray([.. c.Pairs.Select(p => (JsonNode?)p)]),
            ["batchSize"] = inputs.BatchSize,
            ["sequenceLength"] = inputs.SequenceLength,
            ["inputIds"] = Numbers(inputs.InputIds),
            ["attentionMask"] = Numbers(inputs.AttentionMask),
            ["tokenTypeIds"] = Numbers(inputs.TokenTypeIds),
        };
    }

    // Token ids stay far below 2^53, so plain JSON numbers are exact in JavaScript.
    static JsonArray Numbers(long[] values) => [.. values.Select(v => (JsonNode)v)];

    /// <summary>One batch per line: readable diffs, modest size.</summary>
    static string Format(JsonObject o)
    {
        var batches = o["batches"]!.AsArray();
        var text = new StringBuilder("{\n  \"tokenizer\": ").Append(o["tokenizer"]!.ToJsonString()).Append(",\n  \"batches\": [\n");
        for (var i = 0; i < batches.Count; i++)
            text.Append("    ").Append(batches[i]!.ToJsonString()).Append(i + 1 < batches.Count ? ",\n" : "\n");
        return text.Append("  ]\n}\n").ToString();
    }
}
