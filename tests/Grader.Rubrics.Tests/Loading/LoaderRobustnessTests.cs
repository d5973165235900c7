using Grader.Rubrics.Loading;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>No input crashes the loader: truncated and mutated rubrics yield diagnostics, never exceptions or internal errors.</summary>
public sealed class LoaderRobustnessTests
{
    private static readonly string[] Seeds = ["every-check.yaml", "minimal.yaml", "weights.yaml"];

    private static string SeedText(string name) => File.ReadAllText(TestFiles.Data("Loading", "Valid", name));

    private static void AssertHandled(string yaml, string what)
    {
        RubricLoadResult result = null!;
        Assert.DoesNotThrow(() => result = RubricLoader.LoadText(yaml, TestFiles.Data("Loading", "Valid", "mutant.yaml")), what);
        Assert.That(result.Rubric is not null || result.Diagnostics.Count > 0, Is.True, $"{what}: no rubric and no diagnostic");
        var internalErrors = result.Diagnostics.Where(d => d.Message.StartsWith("internal error", StringComparison.Ordinal)).ToList();
        Assert.That(internalErrors, Is.Empty, $"{what}:\n{yaml}");
        Assert.That(result.Diagnostics.All(d => d.Location.Line >= 1 && d.Location.Column >= 1), Is.True, what);
    }

    [TestCaseSource(nameof(Seeds))]
    public void LoadText_EveryTruncation_ReportsWithoutThrowing(string seed)
    {
        var text = SeedText(seed);
        // Every cut near a line end (where structure changes) and every 11th character elsewhere keeps this to seconds.
        var cuts = Enumerable.Range(0, text.Length)
            .Where(i => i % 11 == 0 || text.IndexOf('\n', Math.Max(0, i - 2), Math.Min(5, text.Length - Math.Max(0, i - 2))) >= 0);
        foreach (var length in cuts) AssertHandled(text[..length], $"{seed} cut at {length}");
    }

    [TestCaseSource(nameof(Seeds))]
    public void LoadText_RandomMutations_ReportsWithoutThrowing(string seed)
    {
        var text = SeedText(seed);
        var random = new Random(20261123 + seed.Length);
        for (var i = 0; i < 1000; i++) AssertHandled(Mutate(text, random), $"{seed} mutation {i}");
    }

    private static IEnumerable<TestCaseData> ShippedSeeds() =>
        TestFiles.ShippedRubrics().Select(p => new TestCaseData(p).SetName($"LoadText_Mutated_{Path.GetFileNameWithoutExtension(p)}_ReportsWithoutThrowing"));

    /// <summary>Mutants of the shipped rubrics, loaded as if at the original path so that extends/include still resolve.</summary>
    [TestCaseSource(nameof(ShippedSeeds))]
    public void LoadText_MutatedShippedRubric_ReportsWithoutThrowing(string path)
    {
        var text = File.ReadAllText(path);
        var random = new Random(path.Length);
        for (var i = 0; i < 150; i++)
        {
            var mutant = Mutate(text, random);
            RubricLoadResult result = null!;
            Assert.DoesNotThrow(() => result = RubricLoader.LoadText(mutant, path, RubricFileRole.Auto), $"mutation {i}");
            Assert.That(result.Diagnostics.Where(d => d.Message.StartsWith("internal error", StringComparison.Ordinal)), Is.Empty, mutant);
        }
    }

    private static string Mutate(string text, Random random)
    {
        const string alphabet = ":{}[]-#&*!|>'\"%?,@`\n\t 0123456789.aZ~\\";
        var lines = text.Split('\n');
        switch (random.Next(5))
        {
            case 0:
                var at = random.Next(text.Length);
                return text.Remove(at, Math.Min(random.Next(1, 20), text.Length - at));
            case 1:
                var chars = new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
                return text.Insert(random.Next(text.Length), chars);
            case 2:
                var copy = lines.ToList();
                copy.Insert(random.Next(copy.Count), copy[random.Next(copy.Count)]);
                return string.Join('\n', copy);
            case 3:
                var (a, b) = (random.Next(lines.Length), random.Next(lines.Length));
                (lines[a], lines[b]) = (lines[b], lines[a]);
                return string.Join('\n', lines);
            default:
                var target = random.Next(lines.Length);
                lines[target] = random.Next(2) == 0 ? "  " + lines[target] : lines[target].TrimStart();
                return string.Join('\n', lines);
        }
    }

    [Test]
    public void LoadText_DeepNestingAndAliasBombs_ReportsWithoutThrowing()
    {
        AssertHandled(new string('[', 500) + new string(']', 500), "deep flow nesting");
        AssertHandled(string.Concat(Enumerable.Range(0, 200).Select(i => new string(' ', i) + "a:\n")), "deep block nesting");
        var bomb = "a: &a [x, x, x, x, x, x, x, x]\n" + string.Concat(Enumerable.Range(1, 20).Select(i => $"{(char)('a' + i)}: &{(char)('a' + i)} [*{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}, *{(char)('a' + i - 1)}]\n"));
        AssertHandled(bomb, "alias bomb");
        AssertHandled("*undefined", "undefined alias");
        AssertHandled("module: !!binary aGVsbG8=\n", "odd tag");
        AssertHandled("? [a, b]\n: c\n", "complex key");
        AssertHandled("---\na: 1\n---\nb: 2\n", "two documents");
        AssertHandled("\uFEFFmodule: x\n", "byte order mark");
        AssertHandled("\0\u0001\u0002", "control characters");
    }
}
