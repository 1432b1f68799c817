using System.Text;

namespace OrtAdapter.Inference.Tokenization;

/// <summary>
/// BERT's basic tokenization, written out because Microsoft.ML.Tokenizers 2.0.1 deletes symbols and tabs/newlines
/// (dotnet/machinelearning#7724, #7725): clean, isolate CJK, split on whitespace, strip accents, lowercase,
/// split punctuation. Words are written to <see cref="Output"/>; their ranges to <see cref="Words"/>.
/// </summary>
internal sealed class BertBasicTokenizer(bool lowerCase, bool stripAccents, bool splitCjk)
{
    private readonly CharBuffer _cleaned = new();
    private readonly CharBuffer _scratch = new();

    public CharBuffer Output { get; } = new();

    public List<(int Start, int Length)> Words { get; } = [];

    public void Split(ReadOnlySpan<char> text)
    {
        Output.Length = 0;
        Words.Clear();
        Clean(text);
        ReadOnlySpan<char> cleaned = _cleaned.Written;
        int i = 0;
        while (i < cleaned.Length)
        {
            while (i < cleaned.Length && char.IsWhiteSpace(cleaned[i])) i++;
            int start = i;
            // char.IsWhiteSpace also covers U+2028/U+2029, which Python's str.split() splits on too.
            while (i < cleaned.Length && !char.IsWhiteSpace(cleaned[i])) i++;
            if (i > start) AddWord(cleaned[start..i]);
        }
    }

    /// <summary>Drops NUL, U+FFFD and control characters, maps whitespace to ' ', surrounds CJK with spaces.</summary>
    private void Clean(ReadOnlySpan<char> text)
    {
        _cleaned.Length = 0;
        while (!text.IsEmpty)
        {
            // A lone surrogate decodes as U+FFFD and is dropped, as Python drops it (category Cs).
            Rune.DecodeFromUtf16(text, out Rune r, out int consumed);
            text = text[consumed..];
            if (r.Value is 0 or 0xFFFD || BertCharClasses.IsControl(r)) continue;
            if (BertCharClasses.IsWhitespace(r))
            {
                _cleaned.Append(' ');
            }
            else if (splitCjk && BertCharClasses.IsCjk(r.Value))
            {
                _cleaned.Append(' ');
                AppendRune(_cleaned, r);
                _cleaned.Append(' ');
            }
            else
            {
                AppendRune(_cleaned, r);
            }
        }
    }

    private void AddWord(ReadOnlySpan<char> word)
    {
        if (stripAccents && !Ascii.IsValid(word)) word = StripAccents(word);
        int start = Output.Length;
        Span<char> dest = Output.GetSpan(word.Length);
        // Lowercasing after accent stripping maps 'İ' (I + U+0307) to 'i', as Python's lower() does.
        int written = lowerCase ? word.ToLowerInvariant(dest) : Copy(word, dest);
        Output.Length += written;
        SplitPunctuation(start, Output.Length);
    }

    /// <summary>NFD, then drop non-spacing marks (category Mn).</summary>
    private ReadOnlySpan<char> StripAccents(ReadOnlySpan<char> word)
    {
        _scratch.Length = 0;
        Span<char> nfd = _scratch.GetSpan(word.GetNormalizedLength(NormalizationForm.FormD));
        word.TryNormalize(nfd, out int length, NormalizationForm.FormD);
        int kept = 0;
        for (int i = 0; i < length;)
        {
            Rune.DecodeFromUtf16(nfd[i..length], out Rune r, out int consumed);
            if (Rune.GetUnicodeCategory(r) != System.Globalization.UnicodeCategory.NonSpacingMark)
            {
                nfd.Slice(i, consumed).CopyTo(nfd[kept..]);
                kept += consumed;
            }
            i += consumed;
        }
        return nfd[..kept];
    }

    private void SplitPunctuation(int start, int end)
    {
        ReadOnlySpan<char> chars = Output.Written;
        int wordStart = start;
        for (int i = start; i < end;)
        {
            Rune.DecodeFromUtf16(chars[i..end], out Rune r, out int consumed);
            if (BertCharClasses.IsPunctuation(r))
            {
                if (i > wordStart) Words.Add((wordStart, i - wordStart));
                Words.Add((i, consumed));
                wordStart = i + consumed;
            }
            i += consumed;
        }
        if (end > wordStart) Words.Add((wordStart, end - wordStart));
    }

    private static void AppendRune(CharBuffer buffer, Rune r) => buffer.Length += r.EncodeToUtf16(buffer.GetSpan(2));

    private static int Copy(ReadOnlySpan<char> source, Span<char> dest)
    {
        source.CopyTo(dest);
        return source.Length;
    }
}
