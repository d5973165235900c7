using Grader.Rubrics.Loading.Yaml;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace Grader.Rubrics.Tests.Schema;

/// <summary>The shipped JSON Schema, validated with NJsonSchema against rubric YAML converted to JSON under YAML 1.2 core typing (as editors see it).</summary>
internal static class RubricSchema
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromJsonAsync(File.ReadAllText(SchemaPath)).GetAwaiter().GetResult());

    public static string SchemaPath => Path.Combine(TestFiles.RepositoryRoot, "rubrics", "schema", "rubric.schema.json");

    public static JObject Document => JObject.Parse(File.ReadAllText(SchemaPath));

    /// <summary>Schema violations of a YAML rubric text; a text that is not YAML at all is one violation.</summary>
    public static IReadOnlyList<string> Validate(string yaml)
    {
        var read = YamlTreeReader.Read(yaml);
        if (read.Root is null) return ["not a YAML document"];
        return Schema.Value.Validate(ToJson(read.Root)).Select(Describe).ToList();
    }

    private static string Describe(ValidationError e) => $"{e.Path}: {e.Kind}";

    public static JToken ToJson(YNode node) => node switch
    {
        YMapping map => new JObject(map.Entries.Select(e => new JProperty(e.Key.Value, ToJson(e.Value)))),
        YSequence seq => new JArray(seq.Items.Select(ToJson)),
        YScalar { Kind: ScalarKind.Null } => JValue.CreateNull(),
        YScalar { Kind: ScalarKind.Bool } b => new JValue(b.AsBool()!.Value),
        YScalar { Kind: ScalarKind.Integer } i when long.TryParse(i.Value, out var l) => new JValue(l),
        YScalar { IsNumber: true } n => new JValue(n.AsDouble()!.Value),
        YScalar s => new JValue(s.Value),
        _ => throw new ArgumentOutOfRangeException(nameof(node)),
    };
}
