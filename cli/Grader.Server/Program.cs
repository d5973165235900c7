using Grader.Server;

return await ServerCommand.InvokeAsync(args).ConfigureAwait(false);
