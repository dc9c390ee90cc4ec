using Gyre.Cli;

return await GyreCli.RunAsync(args);
