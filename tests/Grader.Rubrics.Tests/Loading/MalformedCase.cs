using System.Text.RegularExpressions;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>
/// One malformed rubric under Loading/Malformed. The file says what is expected in its own comments:
/// <c># expect: [other-file:]line:column: message</c> (one per diagnostic) and
/// <c># schema: rejects|accepts</c> (whether the JSON Schema can express the problem).
/// </summary>
public sealed partial record MalformedCase(string Name, string Path, IReadOnlyList<string> Expected, bool SchemaRejects)
{
    [GeneratedRegex(@"^# expect: (?:(?<file>[^:\s]+\.ya?ml):)?(?<line>\d+):(?<col>\d+): (?<message>.+)$")]
    private static partial Regex ExpectLine();

    public static string Folder => TestFiles.Data("Loading", "Malformed");

    public static IEnumerable<MalformedCase> All() =>
        Directory.EnumerateFiles(Folder, "*.yaml").Order(StringComparer.Ordinal).Select(Read);

    public static MalformedCase Read(string path)
    {
        var expected = new List<string>();
        bool? rejects = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("# schema: ", StringComparison.Ordinal)) rejects = line.EndsWith("rejects", StringComparison.Ordinal);
            var m = ExpectLine().Match(line);
            if (!m.Success) continue;
            var file = m.Groups["file"].Success ? System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, m.Groups["file"].Value) : path;
            // {data} stands for the test data folder (Loading/), for messages that name a resolved path.
            var message = m.Groups["message"].Value.Replace("{data}", TestFiles.Data("Loading"), StringComparison.Ordinal);
            expected.Add($"{file}:{m.Groups["line"].Value}:{m.Groups["col"].Value}: error: {message}");
        }
        return new MalformedCase(System.IO.Path.GetFileNameWithoutExtension(path), path, expected,
            rejects ?? throw new InvalidOperationException($"{path} lacks a '# schema: rejects|accepts' line"));
    }

    public override string ToString() => Name;
}
