using Grader.Cli;

return await GraderCommand.InvokeAsync(args).ConfigureAwait(false);
