using OrtAdapter.Onnx.Protobuf;

namespace OrtAdapter.Onnx;

/// <summary>One dimension: a known size, a symbolic name (e.g. "batch_size"), or unknown (both null).</summary>
public readonly record struct Dim(long? Value, string? Param)
{
    public static Dim Of(long value) => new(value, null);
    public static Dim Named(string param) => new(null, param);
    public static readonly Dim Unknown = new(null, null);
    public bool IsKnown => Value.HasValue;

    /// <summary>Known to be the same size: the same value, or the same symbol (two unknown dims are not).</summary>
    public bool SameAs(Dim other) => (Value is { } v && other.Value == v) || (Param is { } p && other.Param == p);
    public override string ToString() => Value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? Param ?? "?";
}

/// <summary>Element type and (possibly unknown) shape of a tensor value.</summary>
public sealed record TensorType(int ElemType, IReadOnlyList<Dim>? Shape)
{
    public int? Rank => Shape?.Count;

    public static TensorType? From(TypeProto? type)
    {
        if (type?.TensorType is not { } t) return null;
        var shape = t.Shape is null ? null : t.Shape.Dim.Select(d =>
            d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? Dim.Of(d.DimValue)
            : d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? Dim.Named(d.DimParam) : Dim.Unknown).ToList();
        return new TensorType(t.ElemType, shape);
    }

    public static TensorType From(TensorProto t) => new(t.DataType, t.Dims.Select(Dim.Of).ToList());

    public TypeProto ToTypeProto()
    {
        var t = new TypeProto.Types.Tensor { ElemType = ElemType };
        if (Shape is not null)
        {
            t.Shape = new TensorShapeProto();
            foreach (var d in Shape)
            {
                var dim = new TensorShapeProto.Types.Dimension();
                if (d.Value is { } v) dim.DimValue = v; else if (d.Param is { } p) dim.DimParam = p;
                t.Shape.Dim.Add(dim);
            }
        }
        return new TypeProto { TensorType = t };
    }

    public override string ToString() =>
        $"{DataTypes.Name(ElemType)}[{(Shape is null ? "?" : string.Join(", ", Shape))}]";
}
