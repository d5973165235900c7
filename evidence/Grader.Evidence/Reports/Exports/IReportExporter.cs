using Grader.Evidence.Signing;

namespace Grader.Evidence.Reports.Exports;

/// <summary>Settings of exports that speak for the program (badges, xAPI): who issues, and the base of the ids they mint.</summary>
public sealed class ExportSettings
{
    /// <summary>The issuer's name in Open Badges and the xAPI authority.</summary>
    public string IssuerName { get; set; } = "Grader";

    /// <summary>Base URL of the program's ids (issuer profile, achievements, xAPI activities). No trailing slash needed.</summary>
    public string BaseUrl { get; set; } = "https://grader.invalid";

    /// <summary>An xAPI learning record store to POST statements to; null: write the file only.</summary>
    public Uri? LrsEndpoint { get; set; }

    /// <summary>The LRS's basic-auth <c>key:secret</c>, when it wants one.</summary>
    public string? LrsCredentials { get; set; }

    public string Base => BaseUrl.TrimEnd('/');
}

/// <summary>What an exporter gets: the report's data, the public keys of the records' signers and, for signed formats, the key.</summary>
public sealed record ExportContext(ReportData Data, IReadOnlyDictionary<string, string> PublicKeys, ExportSettings Settings)
{
    /// <summary>Signs what the export itself issues (Open Badges credentials); null when no key is available.</summary>
    public EvidenceSigningKey? SigningKey { get; init; }
}

/// <summary>One export format (<c>--format</c>).</summary>
public interface IReportExporter
{
    string Format { get; }

    /// <summary>The file extension of the output, with the dot.</summary>
    string Extension { get; }

    string ContentType { get; }

    /// <summary>Whether the export reads the records' signed JSON (criteria, competency names) and not only their columns.</summary>
    bool NeedsRecordJson { get; }

    Task WriteAsync(ExportContext context, Stream output, CancellationToken cancellationToken);
}
