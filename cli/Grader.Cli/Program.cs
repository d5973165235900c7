using Grader.Cli;

return await GraderCommand.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
