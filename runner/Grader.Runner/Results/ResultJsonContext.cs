using System.Text.Json.Serialization;

namespace Grader.Runner.Results;

/// <summary>Source-generated System.Text.Json metadata for result.json (camelCase, indented, nulls kept out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ResultDocument))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;
