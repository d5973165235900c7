using System.Text.Json;

namespace Grader.Runner.Results;

/// <summary>Writes and reads result.json.</summary>
public static class ResultJson
{
    public const string FileName = "result.json";

    public static async Task WriteAsync(ResultDocument document, Stream stream, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(document);
        await JsonSerializer.SerializeAsync(stream, document, ResultJsonContext.Default.ResultDocument, cancellationToken).ConfigureAwait(false);
    }

    public static async Task WriteFileAsync(ResultDocument document, string path, CancellationToken cancellationToken)
    {
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await WriteAsync(document, stream, cancellationToken).ConfigureAwait(false);
        }
    }

    public static string Serialize(ResultDocument document) =>
        JsonSerializer.Serialize(document, ResultJsonContext.Default.ResultDocument);

    /// <summary>Reads a result.json; throws <see cref="InvalidDataException"/> for a malformed file or a newer schema version.</summary>
    public static async Task<ResultDocument> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        ResultDocument? document;
        try
        {
            document = await JsonSerializer.DeserializeAsync(stream, ResultJsonContext.Default.ResultDocument, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a valid result.json: {ex.Message}", ex);
        }
        return Validate(document);
    }

    public static async Task<ResultDocument> ReadFileAsync(string path, CancellationToken cancellationToken)
    {
        var stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await ReadAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    public static ResultDocument Deserialize(string json)
    {
        ResultDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, ResultJsonContext.Default.ResultDocument);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"Not a valid result.json: {ex.Message}", ex);
        }
        return Validate(document);
    }

    private static ResultDocument Validate(ResultDocument? document)
    {
        if (document is null) throw new InvalidDataException("Not a valid result.json: the document is null.");
        if (document.SchemaVersion < 1 || document.SchemaVersion > ResultDocument.CurrentSchemaVersion)
        {
            throw new InvalidDataException(
                $"result.json has schemaVersion {document.SchemaVersion}; this reader understands 1 to {ResultDocument.CurrentSchemaVersion}.");
        }
        return document;
    }
}
