using System.CommandLine;

namespace RealtimeDecode.Host.Commands;

/// <summary>
/// One <c>realtime-decode</c> subcommand. Every non-abstract implementation in this assembly with a
/// parameterless constructor is found and added to the root command, so a new command is one new file.
/// </summary>
internal interface ICliCommand
{
    /// <summary>Builds the command with its options and its action.</summary>
    Command Build();
}
