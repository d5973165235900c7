using Grader.Rubrics.Loading;
using Grader.Rubrics.Model;
using Newtonsoft.Json.Linq;

namespace Grader.Rubrics.Tests.Schema;

/// <summary>The schema declares the loader's keys and choices, no more and no less, and describes every property for editors.</summary>
public sealed class SchemaStructureTests
{
    private static readonly JObject Schema = RubricSchema.Document;

    private static JObject Definition(string name) => (JObject)Schema["definitions"]![name]!;

    /// <summary>The object form of a definition (some are oneOf a short string form and a map).</summary>
    private static JObject ObjectForm(JObject definition) =>
        definition["properties"] is not null ? definition : (JObject)definition["oneOf"]!.First(o => o["properties"] is not null);

    private static IEnumerable<string> PropertyNames(JObject definition) =>
        ((JObject)ObjectForm(definition)["properties"]!).Properties().Select(p => p.Name);

    private static IEnumerable<TestCaseData> KeyTables()
    {
        var tables = new Dictionary<string, IReadOnlyList<string>>
        {
            ["module"] = RubricKeys.Module, ["competency"] = RubricKeys.Competency, ["review"] = RubricKeys.Review,
            ["service"] = RubricKeys.Service, ["limits"] = RubricKeys.Limits, ["criterion"] = RubricKeys.Criterion,
            ["feedback"] = RubricKeys.Feedback, ["credit"] = RubricKeys.Credit, ["creditStep"] = RubricKeys.Step,
            ["hidden"] = RubricKeys.Hidden, ["expect"] = RubricKeys.Expect, ["requiredMetric"] = RubricKeys.RequiredMetric,
            ["after"] = RubricKeys.After, ["thresholds"] = RubricKeys.Thresholds, ["baseline"] = RubricKeys.Baseline, ["benchmarkReference"] = RubricKeys.BenchmarkReference,
            ["requiredFile"] = RubricKeys.RequiredFile, ["deadline"] = RubricKeys.Deadline, ["latePolicy"] = RubricKeys.LatePolicy,
        };
        foreach (var (kind, keys) in RubricKeys.ByCheckKind) tables[kind] = keys;
        return tables.Select(t => new TestCaseData(t.Key, t.Value).SetName($"Definition_{t.Key}_DeclaresTheLoadersKeys"));
    }

    [TestCaseSource(nameof(KeyTables))]
    public void Definition_Properties_EqualLoaderKeys(string definition, IReadOnlyList<string> loaderKeys)
    {
        Assert.That(PropertyNames(Definition(definition)), Is.EquivalentTo(loaderKeys));
    }

    [Test]
    public void Schema_TopLevelAndNestedMaps_EqualLoaderKeysAndForbidOthers()
    {
        Assert.Multiple(() =>
        {
            Assert.That(((JObject)Schema["properties"]!).Properties().Select(p => p.Name), Is.EquivalentTo(RubricKeys.TopLevel));
            Assert.That(((JObject)Definition("credit")["properties"]!["linear"]!["properties"]!).Properties().Select(p => p.Name), Is.EquivalentTo(RubricKeys.Linear));
            Assert.That(((JObject)Definition("metrics")["properties"]!["increases"]!["items"]!["properties"]!).Properties().Select(p => p.Name), Is.EquivalentTo(RubricKeys.IncreasingMetric));
            Assert.That(Schema["additionalProperties"]!.Value<bool>(), Is.False);
            Assert.That(Schema["required"], Is.Null, "fragments (no module) validate too");
        });
    }

    [Test]
    public void Schema_EveryObjectDefinition_ForbidsUnknownKeys()
    {
        var open = Schema.Descendants().OfType<JObject>()
            .Where(o => o["properties"] is JObject && o["additionalProperties"]?.Type != JTokenType.Boolean)
            .Select(o => o.Path).ToList();
        Assert.That(open, Is.Empty);
    }

    [Test]
    public void Schema_CheckDefinition_ListsExactlyTheKnownCheckKinds()
    {
        var check = Definition("check");
        Assert.Multiple(() =>
        {
            Assert.That(((JObject)check["properties"]!).Properties().Select(p => p.Name), Is.EqualTo(CheckSpec.AllKinds));
            Assert.That(check["minProperties"]!.Value<int>(), Is.EqualTo(1));
            Assert.That(check["maxProperties"]!.Value<int>(), Is.EqualTo(1));
        });
    }

    [Test]
    public void Schema_Enums_EqualLoaderChoices()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Definition("level")["enum"]!.Values<string>(), Is.EqualTo(Enum.GetNames<ProficiencyLevel>()));
            Assert.That(Definition("reviewEvent")["enum"]!.Values<string>(), Is.EquivalentTo(new[] { "approve", "comment", "request_changes" }));
            Assert.That(Definition("httpMethod")["enum"]!.Values<string>(), Is.EqualTo(CheckParser.HttpMethods));
            Assert.That(Definition("benchmark")["properties"]!["metric"]!["enum"]!.Values<string>(), Is.EqualTo(CheckParser.BenchmarkMetrics));
            Assert.That(Definition("gpu")["properties"]!["during"]!["enum"]!.Values<string>(), Is.EqualTo(CheckParser.GpuSteps));
            Assert.That(Definition("service")["properties"]!["restart"]!["enum"]!.Values<string>(), Is.EqualTo(RubricFileParser.RestartPolicies));
        });
    }

    [Test]
    public void Schema_EveryProperty_HasADescriptionForEditors()
    {
        var undescribed = new List<string>();
        foreach (var properties in Schema.Descendants().OfType<JProperty>().Where(p => p.Name == "properties").Select(p => (JObject)p.Value))
        {
            foreach (var property in properties.Properties())
            {
                var value = (JObject)property.Value;
                var described = value["description"] is not null
                    || (value["$ref"]?.Value<string>() is { } reference && Schema.SelectToken(reference.TrimStart('#').Replace('/', '.').TrimStart('.'))?["description"] is not null);
                if (!described) undescribed.Add(property.Path);
            }
        }
        Assert.That(undescribed, Is.Empty);
    }

    [TestCase("2GB", true)]
    [TestCase("512MiB", true)]
    [TestCase("1.5 GB", true)]
    [TestCase("800kB", true)]
    [TestCase("2 gigs", false)]
    [TestCase("-1GB", false)]
    public void SizePattern_Text_AgreesWithByteSize(string text, bool valid)
    {
        var errors = RubricSchema.Validate($"limits: {{ memory: '{text}' }}");
        Assert.Multiple(() =>
        {
            Assert.That(errors.Count == 0, Is.EqualTo(valid), string.Join("; ", errors));
            Assert.That(ByteSize.TryParse(text, out _), Is.EqualTo(valid));
        });
    }

    [TestCase("250ms", true)]
    [TestCase("1h30m", true)]
    [TestCase("1.5s", true)]
    [TestCase("0s", false)]
    [TestCase("-5s", false)]
    [TestCase("30", false)]
    [TestCase("5 minutes", false)]
    public void DurationPattern_Text_AgreesWithLoader(string text, bool valid)
    {
        var yaml = $"module: {{ id: M-1, title: T }}\ncompetencies: {{ c: {{ name: C, level: Working }} }}\nlimits: {{ timeout: '{text}' }}\ncriteria: [{{ id: a, title: A, points: 1, check: {{ build: }} }}]\n";
        var schemaErrors = RubricSchema.Validate(yaml);
        var loader = RubricLoader.LoadText(yaml, "duration.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(schemaErrors.Count == 0, Is.EqualTo(valid), string.Join("; ", schemaErrors));
            Assert.That(loader.Success, Is.EqualTo(valid), string.Join("; ", loader.Diagnostics));
        });
    }

    [TestCase("70%", true)]
    [TestCase("100%", true)]
    [TestCase("0.7", true)]
    [TestCase("140%", false)]
    [TestCase("1.4", false)]
    [TestCase("seventy", false)]
    public void PercentagePattern_PassMark_AgreesWithLoader(string text, bool valid)
    {
        var yaml = $"module: {{ id: M-1, title: T }}\ncompetencies: {{ c: {{ name: C, level: Working }} }}\npass_mark: {text}\ncriteria: [{{ id: a, title: A, points: 1, check: {{ build: }} }}]\n";
        var schemaErrors = RubricSchema.Validate(yaml);
        var loader = RubricLoader.LoadText(yaml, "pass-mark.yaml");
        Assert.Multiple(() =>
        {
            Assert.That(schemaErrors.Count == 0, Is.EqualTo(valid), string.Join("; ", schemaErrors));
            Assert.That(loader.Success, Is.EqualTo(valid), string.Join("; ", loader.Diagnostics));
        });
    }
}
