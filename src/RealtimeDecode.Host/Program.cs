using RealtimeDecode.Host.Commands;

return CommandLine.Run(args);
