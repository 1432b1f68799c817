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
