using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Grader.Evidence.Text;

namespace Grader.Evidence.Rosters;

/// <summary>The outcome of reading a roster: its entries, or every problem found as <c>file:line: message</c>.</summary>
public sealed record RosterParseResult(IReadOnlyList<RosterEntry> Entries, IReadOnlyList<string> Errors)
{
    public bool Success => Errors.Count == 0;
}

/// <summary>
/// Reads a roster CSV: Grader's own columns (<c>learner_id,name,email,github_login,cohort</c>, optional
/// <c>github_id</c>, <c>alias</c>, <c>extensions</c>) or GitHub Classroom's export (<c>identifier,github_username,github_id,name</c>) as it is.
/// Every problem is reported with its line; a roster with any problem yields no entries.
/// </summary>
public static partial class RosterParser
{
    private static readonly string[] OwnColumns = ["learner_id", "name", "email", "github_login", "cohort"];
    private static readonly string[] ClassroomColumns = ["identifier", "github_username", "github_id", "name"];

    /// <param name="cohort">The cohort for rows that name none (a Classroom roster has no cohort column).</param>
    public static RosterParseResult Parse(byte[] content, string fileName, string? cohort = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        var errors = new List<string>();
        var text = Decode(content, fileName, errors);
        if (text is null) return new RosterParseResult([], errors);

        List<CsvRecord> records;
        try
        {
            records = Csv.Parse(text).ToList();
        }
        catch (FormatException e)
        {
            return new RosterParseResult([], [$"{fileName}:{e.Message}"]);
        }
        if (records.Count == 0) return new RosterParseResult([], [$"{fileName}:1: the roster is empty (expected a header line)"]);

        var header = records[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var classroom = ClassroomColumns.All(header.Contains);
        var required = classroom ? ClassroomColumns : OwnColumns;
        var missing = required.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            var which = missing.Count == 1 ? $"column '{missing[0]}'" : $"columns {string.Join(", ", missing.Select(m => $"'{m}'"))}";
            return new RosterParseResult([], [$"{fileName}:1: missing {which}; a roster needs {string.Join(",", OwnColumns)} (optional github_id), or GitHub Classroom's {string.Join(",", ClassroomColumns)}"]);
        }
        var duplicateColumn = header.GroupBy(h => h).FirstOrDefault(g => g.Key.Length > 0 && g.Count() > 1);
        if (duplicateColumn is not null) return new RosterParseResult([], [$"{fileName}:1: column '{duplicateColumn.Key}' appears twice"]);

        int Col(string name) => header.IndexOf(name);
        var entries = new List<RosterEntry>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var logins = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var record in records.Skip(1))
        {
            var at = $"{fileName}:{record.Line}";
            if (record.Fields.All(string.IsNullOrWhiteSpace)) continue;
            if (record.Fields.Count != header.Count)
            {
                errors.Add($"{at}: expected {header.Count} fields as in the header, found {record.Fields.Count}");
                continue;
            }
            string Get(string name) => Col(name) is var i and >= 0 ? record.Fields[i].Trim() : "";

            var learnerId = classroom ? Get("identifier") : Get("learner_id");
            var name = Get("name");
            var login = classroom ? Get("github_username") : Get("github_login");
            var email = classroom ? (learnerId.Contains('@', StringComparison.Ordinal) ? learnerId : null) : NullIfEmpty(Get("email"));
            var rowCohort = classroom ? cohort : NullIfEmpty(Get("cohort")) ?? cohort;
            var idText = Get("github_id");
            var alias = NullIfEmpty(Get("alias"));
            var extensionsText = Get("extensions");

            if (learnerId.Length == 0)
            {
                errors.Add($"{at}: the {(classroom ? "identifier" : "learner_id")} is empty");
                continue;
            }
            if (name.Length == 0)
            {
                if (classroom) name = learnerId;
                else errors.Add($"{at}: the name of learner '{learnerId}' is empty");
            }
            long? githubId = null;
            if (idText.Length > 0)
            {
                if (long.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0) githubId = parsed;
                else errors.Add($"{at}: github_id '{idText}' is not a number");
            }
            if (login.Length > 0 && !GitHubLogin().IsMatch(login))
            {
                errors.Add($"{at}: '{login}' is not a GitHub login (letters, digits and single inner hyphens, at most 39)");
            }
            if (alias is not null && LearnerAlias.Problem(alias) is { } aliasProblem)
            {
                errors.Add($"{at}: alias {aliasProblem}");
            }
            ModuleExtensions? extensions = null;
            if (extensionsText.Length > 0 && !ModuleExtensions.TryParse(extensionsText, out extensions, out var extensionsProblem))
            {
                errors.Add($"{at}: extensions {extensionsProblem}");
            }
            if (!ids.TryAdd(learnerId, record.Line))
            {
                errors.Add($"{at}: learner id '{learnerId}' is already on line {ids[learnerId]}");
            }
            if (login.Length > 0 && !logins.TryAdd(login, record.Line))
            {
                errors.Add($"{at}: GitHub login '{login}' is already on line {logins[login]}");
            }
            entries.Add(new RosterEntry(learnerId, name, email, NullIfEmpty(login), githubId, rowCohort) { Alias = alias, Extensions = extensions });
        }
        return errors.Count > 0 ? new RosterParseResult([], errors) : new RosterParseResult(entries, []);
    }

    /// <summary>Strict UTF-8 (a BOM is allowed), line by line so a bad byte is reported where it is.</summary>
    private static string? Decode(byte[] content, string fileName, List<string> errors)
    {
        var strict = new UTF8Encoding(false, true);
        var span = content.AsSpan();
        if (span.StartsWith(Encoding.UTF8.Preamble)) span = span[3..];
        var text = new StringBuilder(span.Length);
        var line = 1;
        while (span.Length > 0)
        {
            var end = span.IndexOf((byte)'\n');
            var part = end < 0 ? span : span[..(end + 1)];
            try
            {
                text.Append(strict.GetString(part));
            }
            catch (DecoderFallbackException)
            {
                errors.Add($"{fileName}:{line}: not valid UTF-8 (save the roster as UTF-8 CSV)");
                return null;
            }
            span = span[part.Length..];
            line++;
        }
        return text.ToString();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$")]
    private static partial Regex GitHubLogin();
}
