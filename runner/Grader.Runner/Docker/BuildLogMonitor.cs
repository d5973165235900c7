using System.Text.RegularExpressions;

namespace Grader.Runner.Docker;

/// <summary>
/// Reads the build's output as it streams: keeps the log (bounded), the first error, reports "Step n/m" progress, and
/// passes the step containers ("Running in …") and image ids (" ---&gt; …", <c>aux</c>) it names to the watch and the
/// ledger, which verify them (the text is partly the learner's).
/// </summary>
internal sealed partial class BuildLogMonitor(BoundedOutput log, IProgress<string>? progress, BuildWatch watch, BuildLayerLedger ledger)
{
    public string? Error { get; private set; }

    public void Report(BuildApiMessage message)
    {
        if (message.AuxImageId is { } aux) ledger.Offer(aux, trusted: true);
        if (!string.IsNullOrEmpty(message.Error))
        {
            Error ??= message.Error.Trim();
            log.Append(message.Error.EndsWith('\n') ? message.Error : message.Error + "\n");
            return;
        }
        var text = message.Text;
        if (string.IsNullOrEmpty(text)) return;
        log.Append(text);
        foreach (Match running in RunningIn().Matches(text)) watch.OfferContainer(running.Groups[1].Value);
        foreach (Match image in ImageLine().Matches(text)) ledger.Offer(image.Groups[1].Value, trusted: false);
        var line = text.Trim();
        if (line.StartsWith("Step ", StringComparison.Ordinal)) progress?.Report(line);
    }

    [GeneratedRegex(@"Running in ([0-9a-f]{12,64})")]
    private static partial Regex RunningIn();

    [GeneratedRegex(@"^ ---> ([0-9a-f]{12,64})\s*$", RegexOptions.Multiline)]
    private static partial Regex ImageLine();
}
