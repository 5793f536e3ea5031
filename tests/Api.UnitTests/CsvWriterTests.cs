using System.Text;
using Assemble.Api.Common.Csv;
using Xunit;

namespace Assemble.Api.UnitTests;

public sealed class CsvWriterTests
{
    private static string Text(byte[] bytes)
    {
        Assert.True(bytes.Length >= 3);
        return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 3, bytes.Length - 3);
    }

    [Fact]
    public void Output_starts_with_the_utf8_bom()
    {
        var bytes = CsvWriter.Write(["a"], []);

        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes[..3]);
        Assert.Equal("a\r\n", Text(bytes));
    }

    [Fact]
    public void Header_comes_first_and_every_record_ends_with_crlf()
    {
        var bytes = CsvWriter.Write(
            ["id", "name", "note"],
            [["1", "Alice", null], ["2", "Bob", "ok"]]);

        Assert.Equal("id,name,note\r\n1,Alice,\r\n2,Bob,ok\r\n", Text(bytes));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("\"", "\"\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("padded ", "\"padded \"")]
    [InlineData("in side", "in side")]
    [InlineData("a;b", "a;b")]
    public void Cells_are_quoted_when_needed(string value, string expected)
    {
        Assert.Equal(expected, CsvWriter.Cell(value));
    }

    [Theory]
    [InlineData("=SUM(A1)", "'=SUM(A1)")]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\"")]
    [InlineData("+x", "'+x")]
    [InlineData("@x", "'@x")]
    [InlineData("-x", "'-x")]
    [InlineData("\tx", "'\tx")]
    [InlineData("\rx", "\"'\rx\"")]
    [InlineData("=1,2", "\"'=1,2\"")]
    public void Formula_like_cells_are_neutralised_with_a_leading_quote(string value, string expected)
    {
        Assert.Equal(expected, CsvWriter.Cell(value));
    }

    [Fact]
    public void Negative_numbers_get_the_quote_too_by_design()
    {
        // OWASP: anything starting with '-' may start a formula (e.g. "-2+3+cmd|..."), so plain negative numbers
        // are neutralised as well and show up in Excel as the text '-1. Exports must not rely on them being numeric.
        Assert.Equal("'-1", CsvWriter.Cell("-1"));
        Assert.Equal("'-0.5", CsvWriter.Cell("-0.5"));
    }

    [Theory]
    [InlineData("1-2")]
    [InlineData("a=b")]
    [InlineData("x@example.com")]
    [InlineData("'quoted")]
    [InlineData("123")]
    public void Harmless_values_are_left_alone(string value)
    {
        Assert.Equal(value, CsvWriter.Cell(value));
    }

    [Fact]
    public void Null_and_empty_are_empty_cells()
    {
        Assert.Equal("", CsvWriter.Cell(null));
        Assert.Equal("", CsvWriter.Cell(""));
        Assert.Equal(",,\r\n", Text(CsvWriter.Write([null!, "", null!], [])));
    }

    [Fact]
    public void Header_cells_are_escaped_like_any_other_cell()
    {
        Assert.Equal("\"a,b\",'=x\r\n", Text(CsvWriter.Write(["a,b", "=x"], [])));
    }

    [Fact]
    public void Japanese_text_round_trips()
    {
        var bytes = CsvWriter.Write(
            ["名前", "メモ"],
            [["山田 太郎", "東京、大阪\n改行あり"], ["髙橋🍣", "「引用」\"です\""]]);

        Assert.Equal(
            "名前,メモ\r\n山田 太郎,\"東京、大阪\n改行あり\"\r\n髙橋🍣,\"「引用」\"\"です\"\"\"\r\n",
            Text(bytes));
        string[][] expected =
        [
            ["名前", "メモ"],
            ["山田 太郎", "東京、大阪\n改行あり"],
            ["髙橋🍣", "「引用」\"です\""],
        ];
        Assert.Equal(expected, Parse(Text(bytes)));
    }

    [Fact]
    public void Embedded_quotes_and_newlines_survive_an_rfc4180_parse()
    {
        string?[] row = ["a\"b", "c,d", "e\r\nf", " g ", null, "=cmd"];

        var records = Parse(Text(CsvWriter.Write(["1", "2", "3", "4", "5", "6"], [row])));

        Assert.Equal(2, records.Count);
        Assert.Equal(["a\"b", "c,d", "e\r\nf", " g ", "", "'=cmd"], records[1]);
    }

    /// <summary>A minimal RFC 4180 reader, independent of the writer.</summary>
    private static List<string[]> Parse(string csv)
    {
        var records = new List<string[]>();
        var record = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < csv.Length; i++)
        {
            var c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                record.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
            {
                record.Add(cell.ToString());
                cell.Clear();
                records.Add([.. record]);
                record.Clear();
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }
        Assert.False(quoted);
        Assert.Equal(0, cell.Length);
        return records;
    }
}
