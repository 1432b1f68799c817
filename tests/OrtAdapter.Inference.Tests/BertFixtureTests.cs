using System.Text.Json;
using OrtAdapter.Inference.Tokenization;

namespace OrtAdapter.Inference.Tests;

[TestClass]
public sealed class BertFixtureTests
{
    private sealed record Fixture(string Text, int[] Ids);

    private static readonly Lazy<ITextTokenizer> s_tokenizer = new(() => TextTokenizer.FromModelDirectory(RepoPaths.BertMiniUncased));

    private static List<Fixture> LoadFixtures()
    {
        string path = Path.Combine(RepoPaths.BertMiniUncased, "tokenizer_fixtures.json");
        var options = new JsonSerializerOptions { PropertyNameCaseInsensitive = true };
        return JsonSerializer.Deserialize<List<Fixture>>(File.ReadAllText(path), options)
            ?? throw new InvalidDataException($"'{path}' holds no fixtures.");
    }

    [TestMethod]
    public void EveryFixtureEncodesToItsExactIds()
    {
        var fixtures = LoadFixtures();
        Assert.IsGreaterThanOrEqualTo(11, fixtures.Count, "fixture file shrank");
        var failures = new List<string>();
        foreach (var fixture in fixtures)
        {
            int[] actual = s_tokenizer.Value.Encode(fixture.Text).InputIds;
            if (!actual.SequenceEqual(fixture.Ids))
                failures.Add($"{JsonSerializer.Serialize(fixture.Text)}: expected [{string.Join(",", fixture.Ids)}], got [{string.Join(",", actual)}]");
        }
        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures));
    }

    [TestMethod]
    public void EveryFixtureEncodesTheSameInABatch()
    {
        var fixtures = LoadFixtures();
        var batch = s_tokenizer.Value.EncodeBatch([.. fixtures.Select(f => f.Text)]);
        Assert.AreEqual(fixtures.Max(f => f.Ids.Length), batch.SequenceLength);
        for (int i = 0; i < fixtures.Count; i++)
        {
            long[] expected = [.. fixtures[i].Ids.Select(id => (long)id), .. Enumerable.Repeat(0L, batch.SequenceLength - fixtures[i].Ids.Length)];
            CollectionAssert.AreEqual(expected, batch.RowInputIds(i).ToArray(), $"row {i}");
        }
    }

    /// <summary>
    /// all-MiniLM-L6-v2's vocabulary (bert-base-uncased's, CRLF line endings as its package ships it) against ids from
    /// an independent implementation (transformers.js 4.3.2 BertNormalizer + BertPreTokenizer + WordPiece): the fixture
    /// texts above and the first 40 sentences of the dev split.
    /// </summary>
    [TestMethod]
    public void MiniLmFixturesEncodeToTheirExactIds()
    {
        var tokenizer = TextTokenizer.FromModelDirectory(Path.Combine(RepoPaths.AllMiniLmL6V2, "default"));
        var path = Path.Combine(RepoPaths.AllMiniLmL6V2, "tokenizer_fixtures.json");
        var fixtures = JsonSerializer.Deserialize<List<Fixture>>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
        Assert.HasCount(51, fixtures);
        var failures = fixtures.Where(f => !tokenizer.Encode(f.Text).InputIds.SequenceEqual(f.Ids))
            .Select(f => $"{JsonSerializer.Serialize(f.Text)}: expected [{string.Join(",", f.Ids)}], got [{string.Join(",", tokenizer.Encode(f.Text).InputIds)}]").ToList();
        Assert.IsEmpty(failures, string.Join(Environment.NewLine, failures));
    }

    [TestMethod]
    public void FixturesDoNotDependOnTheWordCache()
    {
        // Second pass hits the word cache; it must give the same ids as the first.
        foreach (var fixture in LoadFixtures())
        {
            CollectionAssert.AreEqual(fixture.Ids, s_tokenizer.Value.Encode(fixture.Text).InputIds);
            CollectionAssert.AreEqual(fixture.Ids, s_tokenizer.Value.Encode(fixture.Text).InputIds);
        }
    }
}
