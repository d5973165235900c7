using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using Grader.Rubrics.Model;
using Grader.Runner.Checkout;

namespace Grader.Runner.Reports;

/// <summary>
/// Reads JUnit XML as pytest, JUnit 5, jest-junit and go-junit-report write it: &lt;testsuites&gt; or a
/// bare &lt;testsuite&gt; (nested suites too), &lt;testcase&gt; with &lt;failure&gt;, &lt;error&gt;,
/// &lt;skipped&gt;, &lt;system-out&gt; and &lt;system-err&gt;, and the <c>file</c>/<c>line</c> attributes when
/// present. The input is hostile: no DTDs, no external resolution, the size, depth, case count and text
/// lengths are bounded, and a malformed report gives a result with an error, never an exception.
/// </summary>
public static partial class JUnitParser
{
    /// <summary>
    /// The one configured report file. Only a regular file is read (a symbolic link, fifo or device is refused
    /// without opening it), and its size is checked before reading.
    /// </summary>
    public static JUnitReport ParseFile(string path, JUnitParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new JUnitParserOptions();
        var name = Path.GetFileName(path);
        switch (UnixFileType.Of(path))
        {
            case UnixFileKind.Missing:
                return new JUnitReport([], $"{name}: the report file does not exist");
            case UnixFileKind.SymbolicLink:
                return new JUnitReport([], $"{name}: the report is a symbolic link, not a regular file; it was not read");
            case UnixFileKind.Directory:
                return new JUnitReport([], $"{name}: the report is a folder, not a file; only the configured report file is read");
            case UnixFileKind.Special:
                return new JUnitReport([], $"{name}: the report is a fifo, socket or device, not a regular file; it was not read");
            default:
                break;
        }
        // The size comes from the open handle, so the file measured is the file read.
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        var length = RandomAccess.GetLength(handle);
        if (length > options.MaxFileBytes)
        {
            return new JUnitReport([], $"{name}: the report is {ByteSize.Format(length)}, larger than the {ByteSize.Format(options.MaxFileBytes)} the grader reads; it was not parsed");
        }
        using var stream = new FileStream(handle, FileAccess.Read, 65536);
        var report = Parse(stream, options);
        return report.Error is null ? report : report with { Error = $"{name}: {report.Error}" };
    }

    public static JUnitReport Parse(Stream stream, JUnitParserOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= new JUnitParserOptions();
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = options.MaxFileBytes,
            MaxCharactersFromEntities = 1024,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
            CloseInput = false,
        };
        var cases = new List<JUnitTestCase>();
        try
        {
            using var reader = XmlReader.Create(stream, settings);
            var suites = new Stack<string?>();
            var sawRoot = false;
            while (reader.Read())
            {
                if (reader.Depth > options.MaxDepth) return new JUnitReport(cases, $"the report nests deeper than {options.MaxDepth} levels");
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "testsuite" && suites.Count > 0)
                {
                    suites.Pop();
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (!sawRoot)
                {
                    sawRoot = true;
                    if (reader.LocalName is not ("testsuites" or "testsuite"))
                    {
                        return new JUnitReport(cases, $"the root element is <{Cut(reader.LocalName, 40)}>, not <testsuites> or <testsuite>");
                    }
                }
                switch (reader.LocalName)
                {
                    case "testsuite":
                        var suiteName = reader.GetAttribute("name");
                        if (!reader.IsEmptyElement) suites.Push(suiteName is null ? null : Cut(suiteName, options.MaxNameLength));
                        break;
                    case "testcase":
                        if (cases.Count >= options.MaxTestCases) return new JUnitReport(cases, $"the report has more than {options.MaxTestCases} test cases");
                        cases.Add(ReadTestCase(reader, suites.Count > 0 ? suites.Peek() : null, options));
                        break;
                    default:
                        break;
                }
            }
            if (!sawRoot) return new JUnitReport(cases, "the report is empty");
            return new JUnitReport(cases, null);
        }
        catch (XmlException e)
        {
            return new JUnitReport(cases, $"the report is not valid XML (line {e.LineNumber}, position {e.LinePosition}): {Cut(e.Message, 300)}");
        }
        catch (Exception e) when (e is IOException or System.Text.DecoderFallbackException or ArgumentException or InvalidOperationException)
        {
            return new JUnitReport(cases, $"the report could not be read: {Cut(e.Message, 300)}");
        }
    }

    private static JUnitTestCase ReadTestCase(XmlReader reader, string? suite, JUnitParserOptions options)
    {
        var name = Cut(reader.GetAttribute("name") ?? "(unnamed)", options.MaxNameLength);
        var className = reader.GetAttribute("classname") is { } c ? Cut(c, options.MaxNameLength) : null;
        var file = reader.GetAttribute("file") is { } f ? Cut(f, options.MaxNameLength) : null;
        int? line = int.TryParse(reader.GetAttribute("line"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) && l > 0 ? l : null;
        double? time = double.TryParse(reader.GetAttribute("time"), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : null;
        var outcome = TestOutcome.Passed;
        string? message = null, details = null, systemOut = null, systemErr = null;

        if (!reader.IsEmptyElement)
        {
            var depth = reader.Depth;
            reader.Read();
            while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                switch (reader.LocalName)
                {
                    case "failure" or "error" or "skipped":
                        var kind = reader.LocalName switch
                        {
                            "failure" => TestOutcome.Failed,
                            "error" => TestOutcome.Error,
                            _ => TestOutcome.Skipped,
                        };
                        // A failure or error beats a skip; the first failure's text is kept.
                        if (outcome == TestOutcome.Passed || (outcome == TestOutcome.Skipped && kind != TestOutcome.Skipped)) outcome = kind;
                        message ??= reader.GetAttribute("message") is { } m ? Cut(m, options.MaxTextLength) : null;
                        var text = ReadText(reader, options);
                        if (!string.IsNullOrWhiteSpace(text)) details ??= text;
                        break;
                    case "system-out":
                        systemOut = ReadText(reader, options);
                        break;
                    case "system-err":
                        systemErr = ReadText(reader, options);
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
        }

        if (file is null && (details ?? message) is { } trace && LocationInTrace().Matches(trace) is { Count: > 0 } found)
        {
            // pytest (xunit2) and go tests name the failing line only in the trace: "tests/test_x.py:12: AssertionError".
            var last = found[^1];
            file = Cut(last.Groups["file"].Value, options.MaxNameLength);
            line = int.TryParse(last.Groups["line"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var tl) ? tl : null;
        }
        return new JUnitTestCase(name, className, suite, outcome, message, details, file, line, time, systemOut, systemErr);
    }

    /// <summary>The text inside the current element (nested markup ignored), bounded; leaves the reader after the element.</summary>
    private static string? ReadText(XmlReader reader, JUnitParserOptions options)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }
        var depth = reader.Depth;
        var text = new System.Text.StringBuilder();
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace
                && text.Length <= options.MaxTextLength)
            {
                text.Append(reader.Value);
            }
            reader.Read();
        }
        reader.Read();
        return Cut(text.ToString(), options.MaxTextLength);
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max), "…");

    [GeneratedRegex(@"^\s*(?<file>[^\s:""'<>]+\.[A-Za-z0-9]+):(?<line>\d+)(?::|\s|$)", RegexOptions.Multiline, matchTimeoutMilliseconds: 1000)]
    private static partial Regex LocationInTrace();
}
