using System.Runtime.InteropServices;
using Google.Protobuf;
using OrtAdapter.Onnx;
using OrtAdapter.Onnx.Protobuf;
using DataType = OrtAdapter.Onnx.Protobuf.TensorProto.Types.DataType;

namespace OrtAdapter.Onnx.Tests;

[TestClass]
public sealed class TensorDataTests
{
    static readonly float[] Floats = [0f, -0f, 1.5f, -3.25f, float.MaxValue, float.Epsilon, float.NaN, float.NegativeInfinity];
    static readonly double[] Doubles = [0d, 1e-300, -2.5, Math.PI, double.MaxValue, double.NaN];
    static readonly Half[] Halfs = [(Half)0, (Half)1.5, (Half)(-2), Half.MaxValue, Half.Epsilon, Half.NaN];
    static readonly long[] Int64s = [0, 1, -1, long.MaxValue, long.MinValue, 1L << 40];
    static readonly int[] Int32s = [0, 1, -1, int.MaxValue, int.MinValue, 123456];
    static readonly bool[] Bools = [true, false, false, true, true, false];

    [TestMethod]
    public void RawData_RoundTrips_EveryType()
    {
        AssertRaw(Floats, DataType.Float, TensorData.FromFloats("f", Floats, 2, 4), TensorData.ToFloats);
        AssertRaw(Doubles, DataType.Double, TensorData.FromDoubles("d", Doubles, 3, 2), TensorData.ToDoubles);
        AssertRaw(Halfs, DataType.Float16, TensorData.FromHalfs("h", Halfs, 6), TensorData.ToHalfs);
        AssertRaw(Int64s, DataType.Int64, TensorData.FromInt64s("l", Int64s, 2, 3), TensorData.ToInt64s);
        AssertRaw(Int32s, DataType.Int32, TensorData.FromInt32s("i", Int32s, 6, 1), TensorData.ToInt32s);
        AssertRaw(Bools, DataType.Bool, TensorData.FromBools("b", Bools, 1, 6), TensorData.ToBools);
    }

    static void AssertRaw<T>(T[] values, DataType type, TensorProto t, Func<TensorProto, T[]> read) where T : unmanaged
    {
        Assert.AreEqual((int)type, t.DataType);
        Assert.IsTrue(t.HasRawData, "writes raw_data");
        Assert.AreEqual(values.Length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), TensorData.ByteSize(t));
        Assert.AreEqual(values.Length, TensorData.ElementCount(t.Dims));
        CollectionAssert.AreEqual(MemoryMarshal.AsBytes<T>(values).ToArray(), TensorData.RawBytes(t).ToArray(), $"{type} raw bytes");
        // Through the wire format too, and bit for bit (NaN included).
        var back = TensorProto.Parser.ParseFrom(t.ToByteArray());
        CollectionAssert.AreEqual(MemoryMarshal.AsBytes<T>(values).ToArray(), MemoryMarshal.AsBytes<T>(read(back)).ToArray(), $"{type} values");
        CollectionAssert.AreEqual(MemoryMarshal.AsBytes<T>(values).ToArray(), MemoryMarshal.AsBytes<T>(TensorData.ToArray<T>(back)).ToArray());
    }

    [TestMethod]
    public void TypedFields_AreRead_EveryType()
    {
        var f = Typed(DataType.Float, 8); f.FloatData.AddRange(Floats);
        var d = Typed(DataType.Double, 6); d.DoubleData.AddRange(Doubles);
        var h = Typed(DataType.Float16, 6); h.Int32Data.AddRange(Halfs.Select(v => (int)BitConverter.HalfToUInt16Bits(v)));
        var l = Typed(DataType.Int64, 6); l.Int64Data.AddRange(Int64s);
        var i = Typed(DataType.Int32, 6); i.Int32Data.AddRange(Int32s);
        var b = Typed(DataType.Bool, 6); b.Int32Data.AddRange(Bools.Select(v => v ? 1 : 0));

        AssertTyped(Floats, f, TensorData.ToFloats);
        AssertTyped(Doubles, d, TensorData.ToDoubles);
        AssertTyped(Halfs, h, TensorData.ToHalfs);
        AssertTyped(Int64s, l, TensorData.ToInt64s);
        AssertTyped(Int32s, i, TensorData.ToInt32s);
        AssertTyped(Bools, b, TensorData.ToBools);
        CollectionAssert.AreEqual(new[] { 1d, 0d, 0d, 1d, 1d, 0d }, TensorData.ToDoublesConverting(b));
        CollectionAssert.AreEqual(Int32s.Select(v => (double)v).ToArray(), TensorData.ToDoublesConverting(i));
    }

    static TensorProto Typed(DataType type, long count)
    {
        var t = new TensorProto { Name = type.ToString(), DataType = (int)type };
        t.Dims.Add(count);
        return t;
    }

    static void AssertTyped<T>(T[] values, TensorProto t, Func<TensorProto, T[]> read) where T : unmanaged
    {
        Assert.IsFalse(t.HasRawData);
        var expected = MemoryMarshal.AsBytes<T>(values).ToArray();
        CollectionAssert.AreEqual(expected, MemoryMarshal.AsBytes<T>(read(t)).ToArray(), $"{t.Name} values");
        CollectionAssert.AreEqual(expected, TensorData.RawBytes(t).ToArray(), $"{t.Name} raw layout");
    }

    [TestMethod]
    public void Scalar_HasRankZero()
    {
        var t = TensorData.Scalar("s", 2.5f);
        Assert.IsEmpty(t.Dims);
        Assert.AreEqual(1, TensorData.ElementCount(t.Dims));
        CollectionAssert.AreEqual(new[] { 2.5f }, TensorData.ToFloats(t));
    }

    [TestMethod]
    public void WrongTypeOrSize_IsNamed()
    {
        var t = TensorData.FromFloats("weights", [1f, 2f], 2);
        var wrongType = Assert.ThrowsExactly<OnnxFormatException>(() => TensorData.ToInt64s(t));
        Assert.Contains("'weights' holds float, not int64", wrongType.Message);

        t.RawData = ByteString.CopyFrom(new byte[7]);
        var wrongSize = Assert.ThrowsExactly<OnnxFormatException>(() => TensorData.ToFloats(t));
        Assert.Contains("'weights': raw_data has 7 bytes", wrongSize.Message);

        Assert.ThrowsExactly<ArgumentException>(() => TensorData.FromFloats("short", [1f, 2f, 3f], 2, 2));
    }

    [TestMethod]
    public void InitializersOfBertMini_ReadBack()
    {
        var model = TestFiles.Model(TestFiles.BertMini(17));
        foreach (var t in model.Graph.Initializer)
        {
            var values = TensorData.ToDoublesConverting(t);
            Assert.AreEqual(TensorData.ElementCount(t.Dims), values.LongLength, t.Name);
            Assert.AreEqual(TensorData.ByteSize(t), TensorData.RawBytes(t).Length, t.Name);
        }
    }
}
