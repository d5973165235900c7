using System.Globalization;
using System.Text;

namespace Grader.Evidence.Text;

/// <summary>One CSV record and the line it starts on (1-based).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>RFC 4180 CSV: reading with line numbers (quoted fields may span lines) and writing with quoting.</summary>
public static class Csv
{
    /// <exception cref="FormatException">An unterminated quoted field; the message names the line it starts on.</exception>
    public static IEnumerable<CsvRecord> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = new List<string>();
        var field = new StringBuilder();
        var line = 1;
        var recordLine = 1;
        var i = 0;
        var quoted = false;
        var quoteLine = 0;
        var any = false;
        while (i < text.Length)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i += 2;
                        continue;
                    }
                    quoted = false;
                    i++;
                    continue;
                }
                if (c == '\n') line++;
                field.Append(c);
                i++;
                continue;
            }
            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    quoteLine = line;
                    any = true;
                    break;
                case ',':
                    fields.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (any || field.Length > 0 || fields.Count > 0)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(recordLine, fields);
                    }
                    fields = [];
                    field.Clear();
                    any = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(c);
                    any = true;
                    break;
            }
            i++;
        }
        if (quoted) throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{quoteLine}: a quoted field is not closed"));
        if (any || field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            yield return new CsvRecord(recordLine, fields);
        }
    }

    /// <summary>
    /// A text field, quoted when needed. Text that a spreadsheet would run as a formula (starting with = + - @ or a
    /// tab) gets a leading apostrophe: exports carry learner-controlled text (logins, repository names).
    /// </summary>
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string Number(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    public static string Bool(bool value) => value ? "true" : "false";

    public static string Time(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
