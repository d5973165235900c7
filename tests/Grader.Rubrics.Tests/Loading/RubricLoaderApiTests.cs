using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;

namespace Grader.Rubrics.Tests.Loading;

/// <summary>The loader's entry points: files, text, async, roles, and the diagnostic string form.</summary>
public sealed class RubricLoaderApiTests
{
    private static string Minimal => TestFiles.Data("Loading", "Valid", "minimal.yaml");

    [Test]
    public async Task LoadFileAsync_ValidRubric_EqualsSynchronousLoad()
    {
        var sync = RubricLoader.LoadFile(Minimal);
        var async = await RubricLoader.LoadFileAsync(Minimal, CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(async.Success, Is.True);
            Assert.That(async.Rubric!.Criteria.Select(c => (c.Id, c.Points, c.Check)), Is.EqualTo(sync.Rubric!.Criteria.Select(c => (c.Id, c.Points, c.Check))));
            Assert.That(async.Rubric.Module, Is.EqualTo(sync.Rubric.Module));
        });
    }

    [Test]
    public void LoadFileAsync_CancelledToken_Throws()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAsync(Is.InstanceOf<OperationCanceledException>(), () => RubricLoader.LoadFileAsync(Minimal, cancelled.Token));
    }

    [Test]
    public void LoadFile_MissingFile_ReportsAtLineOne()
    {
        var result = RubricLoader.LoadFile("no/such/rubric.yaml");
        Assert.That(result.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[] { "no/such/rubric.yaml:1:1: error: cannot read the rubric: the file does not exist" }));
    }

    [Test]
    public void LoadText_FragmentRole_LoadsWithoutModuleAndSkipsRubricRules()
    {
        const string fragment = """
            criteria:
              - { id: probe, title: Probe, points: 5, check: { http_probe: { path: /health } }, evidence: [ { elsewhere: Working } ] }
            """;
        var asFragment = RubricLoader.LoadText(fragment, "fragment.yaml", RubricFileRole.Fragment);
        var asAuto = RubricLoader.LoadText(fragment, "fragment.yaml", RubricFileRole.Auto);
        var asRubric = RubricLoader.LoadText(fragment, "fragment.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(asFragment.Success, Is.True, string.Join("\n", asFragment.Diagnostics));
            Assert.That(asFragment.Rubric!.Module, Is.EqualTo(new ModuleInfo("", "")));
            Assert.That(asAuto.Success, Is.True);
            Assert.That(asRubric.Diagnostics.Select(d => d.Message), Has.Some.StartsWith("this file has no 'module'"));
        });
    }

    [Test]
    public void Diagnostic_ToString_IsCompilerStyle()
    {
        var diagnostic = new RubricDiagnostic(new SourceLocation("rubrics/courses/x.yaml", 12, 7), "unknown key 'pionts' in a criterion; did you mean 'points'?");
        Assert.That(diagnostic.ToString(), Is.EqualTo("rubrics/courses/x.yaml:12:7: error: unknown key 'pionts' in a criterion; did you mean 'points'?"));
    }

    [Test]
    public void LoadText_ManyProblems_ReportsAllAtOnceInFileOrder()
    {
        const string yaml = """
            module: { id: M-1, title: T }
            competencies: { c: { name: C, level: Expert } }
            criteria:
              - { id: a, title: A, points: x, check: { build: {} } }
              - { id: b, title: B, points: 1, check: { nope: {} } }
              - { id: c, title: C, points: 1, check: { image_size: { max: huge } } }
            """;
        var result = RubricLoader.LoadText(yaml, "many.yaml");
        Assert.That(result.Diagnostics.Select(d => (d.Location.Line, d.Location.Column)), Is.EqualTo(new[] { (4, 32), (5, 44), (6, 63) }));
    }
}
