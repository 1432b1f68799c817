using System.Globalization;
using Microsoft.Data.Sqlite;

namespace OrtAdapter.Training.Data;

/// <summary>
/// SQLite, opened read-only: a table (rows located by rowid) or a query (by a rowid column of its result,
/// else by 1-based result row). Column names match without case, as in SQL.
/// </summary>
internal static class SqliteSource
{
    const string RowIdAlias = "__ortadapter_rowid";

    public static List<RawRow> Read(string path, string[] columns, DatasetOptions o)
    {
        if (o.SqliteTable is not null && o.SqliteQuery is not null)
            throw new DatasetException($"{path}: set either SqliteTable or SqliteQuery, not both.");
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        try
        {
            using var connection = new SqliteConnection(builder.ToString());
            connection.Open();
            if (o.SqliteQuery is not null) return ReadQuery(connection, o.SqliteQuery, "query", path, columns);
            var table = o.SqliteTable ?? OnlyTable(connection, path);
            var tables = Tables(connection);
            if (!tables.Contains(table, StringComparer.OrdinalIgnoreCase))
                throw new DatasetException($"{path}: no table '{table}' (tables: {string.Join(", ", tables)}).");
            var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            // Views and WITHOUT ROWID tables have no rowid; their rows are located by position instead.
            var hasRowId = HasRowId(connection, quoted);
            var sql = hasRowId ? $"SELECT rowid AS {RowIdAlias}, * FROM {quoted}" : $"SELECT * FROM {quoted}";
            return ReadQuery(connection, sql, $"table '{table}'", path, columns);
        }
        catch (SqliteException e)
        {
            throw new DatasetException($"{path}: SQLite error: {e.Message}", e);
        }
    }

    static List<RawRow> ReadQuery(SqliteConnection connection, string sql, string what, string path, string[] columns)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rowIdIndex = names.FindIndex(n => n is RowIdAlias || n.Equals("rowid", StringComparison.OrdinalIgnoreCase));
        var indexes = new int[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            indexes[i] = names.FindIndex(n => n.Equals(columns[i], StringComparison.OrdinalIgnoreCase));
            if (indexes[i] < 0)
                throw new DatasetException($"{path}: {what} has no column '{columns[i]}' (columns: {string.Join(", ", names.Where(n => n != RowIdAlias))}).");
        }
        var rows = new List<RawRow>();
        long ordinal = 0;
        while (reader.Read())
        {
            ordinal++;
            var values = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++)
                values[i] = reader.IsDBNull(indexes[i]) ? null : CellValue.Normalize(reader.GetValue(indexes[i]));
            var located = rowIdIndex >= 0 && !reader.IsDBNull(rowIdIndex);
            var position = located ? reader.GetInt64(rowIdIndex) : ordinal;
            var location = (located ? "rowid " : "row ") + position.ToString(CultureInfo.InvariantCulture);
            rows.Add(RawRow.Good(position, location, values));
        }
        return rows;
    }

    static List<string> Tables(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    static string OnlyTable(SqliteConnection connection, string path)
    {
        var tables = Tables(connection);
        return tables.Count == 1
            ? tables[0]
            : throw new DatasetException($"{path}: set SqliteTable or SqliteQuery; the database has {(tables.Count == 0 ? "no tables" : "tables " + string.Join(", ", tables))}.");
    }

    static bool HasRowId(SqliteConnection connection, string quotedTable)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT rowid FROM {quotedTable} LIMIT 0";
        try
        {
            command.ExecuteNonQuery();
            return true;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
