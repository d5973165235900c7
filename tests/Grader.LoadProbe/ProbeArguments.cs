using System.Globalization;
using Grader.Rubrics.Model;

namespace Grader.LoadProbe;

internal sealed record ProbeArguments(LoadMode Mode, int Concurrency, double? Rate, TimeSpan Duration, TimeSpan Warmup, int Repetitions, bool Json, string Method = "GET", string? Body = null, IReadOnlyDictionary<string, string>? Headers = null)
{
    public static ProbeArguments Parse(string[] args)
    {
        var parsed = new ProbeArguments(LoadMode.Closed, 8, null, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), 1, false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            parsed = args[i] switch
            {
                "--mode" => parsed with { Mode = Enum.Parse<LoadMode>(Next(), ignoreCase: true) },
                "--concurrency" => parsed with { Concurrency = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--rate" => parsed with { Rate = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--duration" => parsed with { Duration = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--warmup" => parsed with { Warmup = TimeSpan.FromSeconds(double.Parse(Next(), CultureInfo.InvariantCulture)) },
                "--repetitions" => parsed with { Repetitions = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--json" => parsed with { Json = true },
                "--method" => parsed with { Method = Next() },
                "--body" => parsed with { Body = Next() },
                "--header" => parsed with { Headers = WithHeader(parsed.Headers, Next()) },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return parsed;
    }

    private static Dictionary<string, string> WithHeader(IReadOnlyDictionary<string, string>? headers, string header)
    {
        var separator = header.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0) throw new ArgumentException($"--header needs 'Name: value', not '{header}'");
        return new Dictionary<string, string>(headers ?? new Dictionary<string, string>(), StringComparer.OrdinalIgnoreCase)
        {
            [header[..separator].Trim()] = header[(separator + 1)..].Trim(),
        };
    }
}
