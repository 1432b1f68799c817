namespace OrtAdapter.Inference.Tokenization;

/// <summary>A growable char scratch buffer, reused per thread so that tokenizing a text does not allocate.</summary>
internal sealed class CharBuffer
{
    private char[] _chars = new char[256];

    public int Length { get; set; }

    public Span<char> Written => _chars.AsSpan(0, Length);

    /// <summary>Free space of at least <paramref name="count"/> chars after <see cref="Length"/>.</summary>
    public Span<char> GetSpan(int count)
    {
        if (Length + count > _chars.Length)
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, Length + count));
        return _chars.AsSpan(Length);
    }

    public void Append(char c)
    {
        GetSpan(1)[0] = c;
        Length++;
    }
}
