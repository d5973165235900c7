namespace Grader.Bot.Hosting;

/// <summary>What <c>grader serve</c> and <c>grader work</c> ask for on top of the config file.</summary>
public sealed record BotHostSettings(string ConfigPath)
{
    public IReadOnlyList<string> Urls { get; init; } = ["http://0.0.0.0:3000"];

    /// <summary>Overrides <c>bot.queues</c>.</summary>
    public IReadOnlyList<string>? Queues { get; init; }

    /// <summary>False: webhook front only (jobs run in <c>grader work</c> processes).</summary>
    public bool? RunJobs { get; init; }

    /// <summary>False: runner only (no webhook endpoint): <c>grader work</c>.</summary>
    public bool ServeWebhooks { get; init; } = true;

    /// <summary>Settings given with <c>--set</c>, as configuration keys; the flags above win over them.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
}
