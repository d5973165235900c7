using System.Globalization;
using Grader.Rubrics.Model;
using Grader.Rubrics.Results;
using Grader.Runner.Checks;
using Grader.Runner.Gpu;

namespace Grader.Runner.Telemetry;

/// <summary>
/// <c>gpu</c>: the job had a GPU, and the telemetry of the step it names stayed within the rubric's
/// thresholds. No GPU on the runner is a grader error, never the learner's failure. Measure: peak GPU memory bytes.
/// </summary>
public sealed class GpuCheckExecutor(IGpuInventory? inventory = null) : CheckExecutor<GpuCheck>(CheckKind.Gpu)
{
    private readonly IGpuInventory? _inventory = inventory;

    protected override Task<CheckResult> ExecuteAsync(Criterion criterion, GpuCheck spec, GradingContext context, CancellationToken cancellationToken)
    {
        if (_inventory is null || !_inventory.Available || context.Gpus is null)
        {
            var reason = _inventory?.UnavailableReason ?? "no GPU on this runner";
            return Task.FromResult(CheckResult.GraderError(criterion.Id, $"{reason}. GPU criteria are graded on GPU runners only; this is not counted against you."));
        }
        if (!context.GpuTelemetry.TryGetValue(spec.During, out var telemetry))
        {
            return Task.FromResult(CheckResult.NotRunBecause(criterion.Id, $"The '{spec.During}' step did not run, so there is no GPU telemetry to check."));
        }
        if (telemetry.Samples == 0)
        {
            return Task.FromResult(CheckResult.GraderError(criterion.Id, $"GPU telemetry could not be read: {telemetry.Error}"));
        }

        var problems = new List<string>();
        if (spec.MaxMemory is { } max && telemetry.PeakMemoryUsedBytes > max.Bytes)
        {
            problems.Add($"peak GPU memory {ByteSize.FormatLike(telemetry.PeakMemoryUsedBytes, max)} is over the {max} limit");
        }
        if (spec.MinUtilization is { } min && telemetry.MeanUtilization < min)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"mean GPU utilisation {Percent(telemetry.MeanUtilization)} is under the required {Percent(min)}"));
        }
        var devices = string.Join(", ", context.Gpus.Devices.Select(d => d.Name));
        return Task.FromResult(new CheckResult
        {
            CriterionId = criterion.Id,
            Status = problems.Count == 0 ? CheckStatus.Passed : CheckStatus.Failed,
            Measure = telemetry.PeakMemoryUsedBytes,
            Values = new Dictionary<string, string>
            {
                ["peak_memory"] = ByteSize.Format(telemetry.PeakMemoryUsedBytes),
                ["mean_utilization"] = Percent(telemetry.MeanUtilization),
                ["peak_utilization"] = Percent(telemetry.PeakUtilization),
                ["energy"] = string.Create(CultureInfo.InvariantCulture, $"{telemetry.EnergyJoules:0.#} J"),
                ["max_memory"] = spec.MaxMemory?.ToString() ?? "none",
                ["min_utilization"] = spec.MinUtilization is { } minimum ? Percent(minimum) : "none",
            },
            Message = problems.Count == 0
                ? $"GPU use during '{spec.During}' is within the rubric's limits."
                : $"During '{spec.During}': {string.Join("; ", problems)}.",
            Details =
            [
                string.Create(CultureInfo.InvariantCulture,
                    $"{devices}: {telemetry.Samples} samples, peak memory {ByteSize.Format(telemetry.PeakMemoryUsedBytes)}, utilisation mean {Percent(telemetry.MeanUtilization)} / peak {Percent(telemetry.PeakUtilization)}, energy {telemetry.EnergyJoules:0.#} J, peak power {telemetry.PeakPowerWatts:0.#} W, peak temperature {telemetry.PeakTemperatureCelsius:0} °C"),
            ],
        });
    }

    private static string Percent(double fraction) => string.Create(CultureInfo.InvariantCulture, $"{fraction * 100:0.#}%");
}
