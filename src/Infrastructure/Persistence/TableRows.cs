using Npgsql;

namespace Assemble.Infrastructure.Persistence;

/// <summary>One column of a raw-SQL row writer: its name, its PostgreSQL type and how a row's value is read.</summary>
public abstract record RowColumn<TRow>(string Name, string Type)
{
    public abstract NpgsqlParameter One(TRow row);
    public abstract NpgsqlParameter Many(IReadOnlyList<TRow> rows);
}

public sealed record RowColumn<TRow, TValue>(string Name, string Type, Func<TRow, TValue> Value) : RowColumn<TRow>(Name, Type)
{
    public override NpgsqlParameter One(TRow row) => new NpgsqlParameter<TValue> { TypedValue = Value(row), DataTypeName = Type };

    public override NpgsqlParameter Many(IReadOnlyList<TRow> rows)
    {
        var values = new TValue[rows.Count];
        for (var i = 0; i < values.Length; i++) values[i] = Value(rows[i]);
        return new NpgsqlParameter<TValue[]> { TypedValue = values, DataTypeName = Type + "[]" };
    }
}

/// <summary>
/// The one writer of a table's rows in raw SQL (the seat path's statements): the column list is written here once,
/// for one row as parameters or many as arrays to unnest. The SQL depends only on where the parameters start, so
/// statements are built once and only the values are added per call.
/// </summary>
public sealed class TableRows<TRow>(string table, params RowColumn<TRow>[] columns)
{
    public string Table => table;

    /// <summary>"id, event_id, …"</summary>
    public string ColumnList { get; } = string.Join(", ", columns.Select(c => c.Name));

    private string InsertOneRow => field ??= InsertOne(1);

    /// <summary>"alias.id, alias.event_id, …"</summary>
    public string ColumnsOf(string alias) => string.Join(", ", columns.Select(c => $"{alias}.{c.Name}"));

    /// <summary>The number of parameters a row (or a set of rows) takes.</summary>
    public int Width => columns.Length;

    /// <summary><c>INSERT INTO t (cols) SELECT $first, …</c>; append what makes it conditional (<c>WHERE …</c>, <c>FROM …</c>).</summary>
    public string InsertOne(int firstParameter)
        => $"INSERT INTO {table} ({ColumnList}) SELECT {string.Join(", ", columns.Select((c, i) => $"${firstParameter + i}::{c.Type}"))}";

    /// <summary><c>unnest($first::type[], …) WITH ORDINALITY AS alias(cols, ord)</c>: many rows as a set, in order.</summary>
    public string Unnest(int firstParameter, string alias)
        => $"unnest({string.Join(", ", columns.Select((c, i) => $"${firstParameter + i}::{c.Type}[]"))}) WITH ORDINALITY AS {alias}({ColumnList}, ord)";

    /// <summary>An unconditional insert of one row, as its own batch command.</summary>
    public NpgsqlBatchCommand Insert(TRow row)
    {
        var command = new NpgsqlBatchCommand(InsertOneRow);
        AddOne(command, row);
        return command;
    }

    /// <summary>Adds one row's values, in column order (the parameters of <see cref="InsertOne"/>).</summary>
    public void AddOne(NpgsqlBatchCommand command, TRow row)
    {
        foreach (var column in columns) command.Parameters.Add(column.One(row));
    }

    /// <summary>Adds the rows' values as one array per column (the parameters of <see cref="Unnest"/>).</summary>
    public void AddMany(NpgsqlBatchCommand command, IReadOnlyList<TRow> rows)
    {
        foreach (var column in columns) command.Parameters.Add(column.Many(rows));
    }
}
