using Grader.GitHub.Publishing;

namespace Grader.GitHub.Tests.Publishing;

public sealed class GitHubLimitsTests
{
    [Test]
    public void Truncate_ShortText_IsUnchanged() =>
        Assert.That(GitHubLimits.Truncate("short", 100), Is.EqualTo("short"));

    [Test]
    public void Truncate_LongText_FitsTheLimitAndSaysHowMuchWasCut()
    {
        var truncated = GitHubLimits.Truncate(new string('y', 1000), 300);

        Assert.Multiple(() =>
        {
            Assert.That(truncated, Has.Length.LessThanOrEqualTo(300));
            var kept = truncated.TakeWhile(c => c == 'y').Count();
            Assert.That(truncated, Does.Contain($"Truncated: {1000 - kept} characters omitted"));
        });
    }

    [Test]
    public void Truncate_CutThroughASurrogatePair_KeepsTheTextWellFormed()
    {
        var text = string.Concat(Enumerable.Repeat("😀", 500));

        var truncated = GitHubLimits.Truncate(text, 301);

        Assert.That(char.IsHighSurrogate(truncated[truncated.IndexOf('\n', StringComparison.Ordinal) - 1]), Is.False);
    }
}
