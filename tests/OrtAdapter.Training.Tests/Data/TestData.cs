using Microsoft.Data.Sqlite;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace OrtAdapter.Training.Tests.Data;

/// <summary>Writes Parquet and SQLite fixtures in code.</summary>
static class TestData
{
    public static string WriteParquet(string path, ParquetSchema schema, IReadOnlyCollection<IDictionary<string, object?>> rows, int? rowGroupSize = null)
    {
        using var stream = File.Create(path);
        var options = rowGroupSize is null ? null : new ParquetOptions { RowGroupSize = rowGroupSize.Value };
        ParquetSerializer.SerializeUntypedAsync(rows, schema, stream, options).GetAwaiter().GetResult();
        return path;
    }

    public static int RowGroupCount(string path)
    {
        var reader = ParquetReader.CreateAsync(path).GetAwaiter().GetResult();
        try { return reader.RowGroupCount; }
        finally { reader.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    /// <summary>Creates a database and runs the statements (CREATE/INSERT) in it.</summary>
    public static string WriteSqlite(string path, params string[] statements)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
        using var connection = new SqliteConnection(builder.ToString());
        connection.Open();
        foreach (var sql in statements)
        {
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
        return path;
    }

    /// <summary>The folder holding OrtAdapter.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(OrtAdapter.Tests.Shared.RepoRootLocator.SearchStart); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrtAdapter.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No OrtAdapter.sln above {AppContext.BaseDirectory}.");
    }
}
