using CsCheck;

namespace OrtAdapter.Tests.Shared;

/// <summary>
/// Property-based corruption of a valid file: truncations, bit flips and length-like 32-bit values written over it
/// (0, 1, 2^31-1, 2^32-1 or random). Each damaged copy must either still parse or fail with one of the expected
/// exception types (the clear, user-facing errors); anything else (an index, overflow or null fault, a huge
/// allocation) fails the test with the seed that reproduces it.
/// </summary>
static class Corruption
{
    enum Kind { Truncate, FlipBit, WriteLength }

    public static void Check(byte[] valid, string fileName, Action<string> parse, Type[] expected, long iterations = 300, string? seed = null)
    {
        // Longer local campaigns: ORTADAPTER_CORRUPTION_CASES=5000 dotnet test --filter Corrupt
        if (long.TryParse(Environment.GetEnvironmentVariable("ORTADAPTER_CORRUPTION_CASES"), out var cases)) iterations = cases;
        var folder = Directory.CreateTempSubdirectory("ortadapter-corrupt-").FullName;
        try
        {
            var lengths = Gen.OneOf(Gen.Const(0u), Gen.Const(1u), Gen.Const(0x7FFF_FFFFu), Gen.Const(0xFFFF_FFFFu), Gen.UInt);
            var damage = Gen.Select(Gen.Enum<Kind>(), Gen.Int[0, valid.Length - 1], Gen.Int[0, 7], lengths);
            damage.Sample((kind, position, bit, value) =>
            {
                var bytes = Apply(valid, kind, position, bit, value);
                var path = Path.Combine(folder, fileName);
                File.WriteAllBytes(path, bytes);
                try { parse(path); }
                catch (Exception e) when (expected.Any(t => t.IsInstanceOfType(e))) { }
                catch (Exception e)
                {
                    throw new InvalidOperationException($"{kind} at {position} (bit {bit}, value {value}) of {fileName}: {e.GetType().Name}: {e.Message}", e);
                }
            }, seed: seed, iter: iterations, threads: 1);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    static byte[] Apply(byte[] valid, Kind kind, int position, int bit, uint value)
    {
        switch (kind)
        {
            case Kind.Truncate:
                return valid[..position];
            case Kind.FlipBit:
            {
                var bytes = valid.ToArray();
                bytes[position] ^= (byte)(1 << bit);
                return bytes;
            }
            default:
            {
                var bytes = valid.ToArray();
                var span = bytes.AsSpan(position, Math.Min(4, bytes.Length - position));
                BitConverter.GetBytes(value).AsSpan(0, span.Length).CopyTo(span);
                return bytes;
            }
        }
    }
}
