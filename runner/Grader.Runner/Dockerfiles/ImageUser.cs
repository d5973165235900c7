using System.Globalization;
using System.Numerics;
using System.Text.RegularExpressions;

namespace Grader.Runner.Dockerfiles;

/// <summary>
/// The user an image runs as: its <c>USER</c> setting and the numeric uid the runtime gives it, or why there is none.
/// </summary>
/// <param name="Spec">The setting (<c>user[:group]</c>); empty means root.</param>
/// <param name="Uid">The numeric uid; null when it cannot be determined (<see cref="Problem"/> says why).</param>
/// <param name="Source">Where a name was looked up (e.g. "the image's /etc/passwd"), for messages; null for a number.</param>
public sealed partial record ImageUser(string Spec, long? Uid, string? Problem, string? Source = null)
{
    /// <summary>The highest uid the runtime (runc) accepts.</summary>
    private const long MaxUid = int.MaxValue;

    public bool IsRoot => Uid == 0;

    [GeneratedRegex("^[+-]?[0-9]+$")]
    private static partial Regex Numeric();

    /// <summary>The user part of <c>user[:group]</c>, as the runtime splits it.</summary>
    public static string UserPart(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var colon = spec.IndexOf(':', StringComparison.Ordinal);
        return (colon < 0 ? spec : spec[..colon]).Trim();
    }

    /// <summary>
    /// Resolves a setting that needs no lookup: empty is root; a number is that uid as the runtime reads it (Go's
    /// Atoi: leading zeros and a sign allowed, so <c>00</c>, <c>+0</c> and <c>0:0</c> are all root). Returns null for a
    /// name, which only the image's /etc/passwd can resolve.
    /// </summary>
    public static ImageUser? FromNumber(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var user = UserPart(spec);
        if (user.Length == 0) return new ImageUser(spec, 0, null);
        if (!Numeric().IsMatch(user)) return null;
        var value = BigInteger.Parse(user, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return value < 0 || value > MaxUid
            ? new ImageUser(spec, null, $"uid {user} is outside the range the runtime accepts (0-{MaxUid})")
            : new ImageUser(spec, (long)value, null);
    }

    /// <summary>
    /// Resolves a name through the text of an /etc/passwd file as the runtime (runc) reads it: lines trimmed, the first
    /// entry with that name wins, and a missing or unreadable uid field counts as 0 (Go's Atoi error is ignored there),
    /// so such an entry is root.
    /// </summary>
    public static ImageUser FromPasswd(string spec, string passwd, string source)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(passwd);
        var user = UserPart(spec);
        foreach (var line in passwd.Split('\n'))
        {
            var fields = line.Trim().Split(':');
            if (fields[0] != user || fields[0].Length == 0) continue;
            var uid = fields.Length > 2 && long.TryParse(fields[2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) && parsed is >= int.MinValue and <= int.MaxValue
                ? parsed
                : 0;
            return uid is < 0
                ? new ImageUser(spec, null, string.Create(CultureInfo.InvariantCulture, $"the entry for '{user}' in {source} has uid {uid}, which the runtime refuses"), source)
                : new ImageUser(spec, uid, null, source);
        }
        return new ImageUser(spec, null, $"there is no user '{user}' in {source}", source);
    }
}
