namespace OrtAdapter.Training.Data;

/// <summary>
/// Walks a Parquet file's footer (its FileMetaData, Thrift compact protocol) field by field before Parquet.Net reads
/// it: every step consumes at least one byte within bounds, so a damaged footer fails here in time linear in its size.
/// Parquet.Net 6.1 loops forever on some (found by the corruption tests: the footer's last STOP byte 0x00 turned 0x08).
/// </summary>
internal static class ParquetFooter
{
    const int MaxDepth = 64;

    /// <summary>Throws <see cref="InvalidDataException"/> saying what is wrong when the footer is not well-formed Thrift.</summary>
    public static void Check(string path)
    {
        using var file = File.OpenRead(path);
        if (file.Length < 12) throw new InvalidDataException($"{file.Length} bytes, too short for a Parquet file");
        Span<byte> tail = stackalloc byte[8];
        file.Seek(-8, SeekOrigin.End);
        file.ReadExactly(tail);
        if (!tail[4..].SequenceEqual("PAR1"u8)) throw new InvalidDataException("it does not end with the Parquet magic 'PAR1'");
        var length = BitConverter.ToUInt32(tail[..4]);
        if (length == 0 || length > file.Length - 12) throw new InvalidDataException($"its footer length {length} does not fit in the file");
        var footer = new byte[length];
        file.Seek(-8 - length, SeekOrigin.End);
        file.ReadExactly(footer);
        var position = 0;
        SkipStruct(footer, ref position, 0);
    }

    static void SkipStruct(byte[] b, ref int p, int depth)
    {
        if (depth > MaxDepth) throw Damaged("nested deeper than 64");
        while (true)
        {
            var header = Next(b, ref p);
            if (header == 0) return; // STOP
            if (header >> 4 == 0) ReadVarint(b, ref p); // a field id that is not a small delta
            SkipValue(b, ref p, header & 0x0F, depth);
        }
    }

    static void SkipValue(byte[] b, ref int p, int type, int depth)
    {
        switch (type)
        {
            case 1 or 2: return; // booleans live in the field header
            case 3: Advance(b, ref p, 1); return;
            case 4 or 5 or 6: ReadVarint(b, ref p); return;
            case 7: Advance(b, ref p, 8); return;
            case 8: Advance(b, ref p, Length(b, ref p)); return;
            case 9 or 10:
            {
                var header = Next(b, ref p);
                long size = header >> 4 == 15 ? Length(b, ref p) : header >> 4;
                var element = header & 0x0F;
                for (long i = 0; i < size; i++) SkipValue(b, ref p, element is 1 or 2 ? 3 : element, depth + 1); // a listed bool is a byte
                return;
            }
            case 11:
            {
                var size = Length(b, ref p);
                if (size == 0) return;
                var kinds = Next(b, ref p);
                for (long i = 0; i < size; i++)
                {
                    SkipValue(b, ref p, kinds >> 4 is 1 or 2 ? 3 : kinds >> 4, depth + 1);
                    SkipValue(b, ref p, (kinds & 0x0F) is 1 or 2 ? 3 : kinds & 0x0F, depth + 1);
                }
                return;
            }
            case 12: SkipStruct(b, ref p, depth + 1); return;
            default: throw Damaged($"unknown Thrift type {type} at footer byte {p}");
        }
    }

    static int Next(byte[] b, ref int p) => p < b.Length ? b[p++] : throw Damaged("it ends inside a field");

    static void Advance(byte[] b, ref int p, long count)
    {
        if (count < 0 || count > b.Length - p) throw Damaged("a field runs past its end");
        p += (int)count;
    }

    /// <summary>A varint length or count, which cannot exceed the bytes left (each element takes at least one).</summary>
    static long Length(byte[] b, ref int p)
    {
        var value = ReadVarint(b, ref p);
        return value <= (ulong)(b.Length - p) ? (long)value : throw Damaged($"a length of {value} with {b.Length - p} bytes left");
    }

    static ulong ReadVarint(byte[] b, ref int p)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var next = Next(b, ref p);
            value |= (ulong)(next & 0x7F) << shift;
            if ((next & 0x80) == 0) return value;
        }
        throw Damaged("a varint longer than 10 bytes");
    }

    static InvalidDataException Damaged(string what) => new($"its footer (Thrift metadata) is damaged: {what}");
}
