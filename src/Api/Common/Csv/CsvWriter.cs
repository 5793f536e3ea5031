using System.Text;

namespace Assemble.Api.Common.Csv;

/// <summary>
/// Dependency-free RFC 4180 CSV writer for downloads meant to be opened in Excel:
/// UTF-8 with BOM (so Excel detects UTF-8 and shows Japanese text correctly), CRLF record ends,
/// and OWASP CSV-injection neutralisation so that no cell is ever evaluated as a formula.
/// </summary>
public static class CsvWriter
{
    private static readonly UTF8Encoding Utf8WithBom = new(encoderShouldEmitUTF8Identifier: true);

    /// <summary>
    /// The UTF-8 bytes (BOM first: EF BB BF) of a CSV with the header row first and every record ended by CRLF.
    /// Every cell, header included, goes through <see cref="Cell"/>.
    /// </summary>
    public static byte[] Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(rows);

        var sb = new StringBuilder();
        AppendRecord(sb, header);
        foreach (var row in rows)
        {
            ArgumentNullException.ThrowIfNull(row, nameof(rows));
            AppendRecord(sb, row);
        }

        var text = sb.ToString();
        var preamble = Utf8WithBom.GetPreamble();
        var bytes = new byte[preamble.Length + Utf8WithBom.GetByteCount(text)];
        preamble.CopyTo(bytes, 0);
        Utf8WithBom.GetBytes(text, 0, text.Length, bytes, preamble.Length);
        return bytes;
    }

    /// <summary>
    /// One cell as it is written.
    /// <list type="bullet">
    /// <item><c>null</c> becomes an empty cell.</item>
    /// <item>A value starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, TAB or CR is prefixed with a single quote
    /// (OWASP CSV injection). This deliberately includes plain negative numbers: <c>-1</c> is written as <c>'-1</c>
    /// and shows up in Excel as the text <c>'-1</c>; exports should not rely on negative numbers staying numeric.</item>
    /// <item>The result is then enclosed in double quotes (inner quotes doubled) when it contains a comma, double quote,
    /// CR or LF, or starts or ends with a space.</item>
    /// </list>
    /// </summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        var needsQuotes = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || value[0] == ' ' || value[^1] == ' ';
        return needsQuotes ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    private static void AppendRecord(StringBuilder sb, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append(Cell(cells[i]));
        }
        sb.Append("\r\n");
    }
}
