using Grader.Runner.Pipeline;
using Microsoft.Extensions.Options;

namespace Grader.Bot.Fleet;

/// <summary>
/// This process's runner id (<c>runner.runner_id</c>, <c>--runner-id</c>): it labels the runner's Docker objects, names
/// it in the fleet registry and on the jobs it holds. Runners sharing a Docker engine need distinct ids, or each one's
/// start-up sweep removes the other's containers.
/// </summary>
public sealed class RunnerIdentity(IOptions<RunnerOptions> options)
{
    public string RunnerId => options.Value.RunnerId;
}
