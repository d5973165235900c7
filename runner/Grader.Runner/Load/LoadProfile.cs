using System.Text;
using Grader.Rubrics.Model;

namespace Grader.Runner.Load;

/// <summary>What one load run sends, how, and for how long. Bounded: every field has a hard limit checked by <see cref="Validate"/>.</summary>
public sealed record LoadProfile
{
    public const int MaxConcurrency = 1024;
    public const int MaxRepetitions = 20;
    public const double MaxRate = 200_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(5);

    public required Uri Target { get; init; }
    public HttpMethod Method { get; init; } = HttpMethod.Get;
    public byte[]? Body { get; init; }
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public LoadMode Mode { get; init; } = LoadMode.Closed;

    /// <summary>Closed loop: concurrent workers. Open loop: the number of connections the requests share.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Requests per second in open-loop mode.</summary>
    public double? Rate { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);
    public int Repetitions { get; init; } = 3;

    /// <summary>A request not answered within this is a timeout (an error).</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Open loop: requests outstanding at once; when reached, sending waits and the generator reports it fell behind.</summary>
    public int MaxInFlight { get; init; } = 4096;

    /// <summary>Hard cap on requests per repetition (guards against an absurd rate or a very fast endpoint).</summary>
    public long MaxRequestsPerRepetition { get; init; } = 10_000_000;

    /// <summary>Length of the windows each repetition is cut into; the per-window p95s are the samples baselines compare.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>Window used when none is set: a tenth of the duration, between 100 ms and 1 s.</summary>
    public TimeSpan EffectiveWindow => Window ?? TimeSpan.FromTicks(Math.Clamp(Duration.Ticks / 10, TimeSpan.TicksPerMillisecond * 100, TimeSpan.TicksPerSecond));

    /// <summary>Builds the profile a rubric's load check describes against the running service.</summary>
    public static LoadProfile FromCheck(LoadCheck check, Uri baseAddress)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(baseAddress);
        return new LoadProfile
        {
            Target = new Uri(baseAddress, check.Path.TrimStart('/')),
            Method = new HttpMethod(check.Method.ToUpperInvariant()),
            Body = check.Body is null ? null : Encoding.UTF8.GetBytes(check.Body),
            Headers = check.Headers,
            Mode = check.Mode,
            Concurrency = check.Concurrency,
            Rate = check.Rate,
            Duration = check.Duration,
            Warmup = check.Warmup,
            Repetitions = check.Repetitions,
        };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting out of bounds.</summary>
    public void Validate()
    {
        if (!Target.IsAbsoluteUri || (Target.Scheme != Uri.UriSchemeHttp && Target.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"load target must be an absolute http(s) URL, not '{Target}'");
        if (Concurrency is < 1 or > MaxConcurrency) throw new ArgumentException($"concurrency must be 1..{MaxConcurrency}, not {Concurrency}");
        if (Repetitions is < 1 or > MaxRepetitions) throw new ArgumentException($"repetitions must be 1..{MaxRepetitions}, not {Repetitions}");
        if (Duration <= TimeSpan.Zero || Duration > MaxDuration) throw new ArgumentException($"duration must be between 0 and {MaxDuration.TotalMinutes} minutes, not {Duration}");
        if (Warmup < TimeSpan.Zero || Warmup > MaxDuration) throw new ArgumentException($"warm-up must be between 0 and {MaxDuration.TotalMinutes} minutes, not {Warmup}");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("request timeout must be positive");
        if (MaxInFlight < 1) throw new ArgumentException("max in-flight requests must be positive");
        if (Mode == LoadMode.Open && (Rate is not { } rate || !(rate > 0) || rate > MaxRate))
            throw new ArgumentException($"open-loop load needs a rate between 0 and {MaxRate} requests/s, not {Rate?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}");
    }
}
