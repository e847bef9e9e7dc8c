using Npgsql;
using Platform.Audit.Cli;

// Exit codes: 0 the log is intact (or the command succeeded), 1 violations found, 2 the tool could not run.
try
{
    var line = CommandLine.Parse(args);
    using var cancel = new CancellationTokenSource();
    Console.CancelKeyPress += (_, press) =>
    {
        press.Cancel = true;
        cancel.Cancel();
    };
    return line.Command switch
    {
        "verify" => await Commands.VerifyAsync(line, cancel.Token),
        "replay" => await Commands.ReplayAsync(line, cancel.Token),
        "export" => await Commands.ExportAsync(line, cancel.Token),
        "checkpoint" => await Commands.CheckpointAsync(line, cancel.Token),
        "generate" => await Generator.RunAsync(line, cancel.Token),
        _ => throw new UsageException($"unknown command '{line.Command}'"),
    };
}
catch (UsageException usage)
{
    await Console.Error.WriteLineAsync($"platform-audit: {usage.Message}");
    await Console.Error.WriteLineAsync(Commands.Usage);
    return 2;
}
catch (Exception failure) when (failure is NpgsqlException or IOException or UnauthorizedAccessException or ArgumentException
                                    or InvalidOperationException or System.Security.Cryptography.CryptographicException or OperationCanceledException)
{
    await Console.Error.WriteLineAsync($"platform-audit: could not run: {failure.Message}");
    return 2;
}
