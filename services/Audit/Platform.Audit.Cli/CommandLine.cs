namespace Platform.Audit.Cli;

/// <summary>The tool's arguments: a command, then <c>--name value</c> options (some repeatable) and <c>--flag</c>s.</summary>
public sealed class CommandLine
{
    public const string ConnectionVariable = "PLATFORM_AUDIT_CONNECTION";

    private static readonly HashSet<string> Flags = new(StringComparer.Ordinal) { "--no-progress", "--all" };

    private readonly Dictionary<string, List<string>> options = new(StringComparer.Ordinal);

    private CommandLine(string command) => Command = command;

    public string Command { get; }

    public static CommandLine Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Count == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            throw new UsageException("a command is required: verify, checkpoint, replay, export or generate");
        }

        var line = new CommandLine(args[0]);
        for (var i = 1; i < args.Count; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{name}'");
            }

            if (Flags.Contains(name))
            {
                line.Add(name, "true");
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new UsageException($"{name} needs a value");
            }

            line.Add(name, args[++i]);
        }

        return line;
    }

    public string? Get(string name) => options.TryGetValue(name, out var values) ? values[^1] : null;

    public IReadOnlyList<string> All(string name) => options.TryGetValue(name, out var values) ? values : [];

    public bool Has(string name) => options.ContainsKey(name);

    public string Required(string name) => Get(name) ?? throw new UsageException($"{name} is required");

    /// <summary><c>--connection</c>, or the <c>PLATFORM_AUDIT_CONNECTION</c> environment variable (keeps the password off the command line).</summary>
    public string Connection() =>
        Get("--connection") ?? Environment.GetEnvironmentVariable(ConnectionVariable)
        ?? throw new UsageException($"--connection \"<npgsql connection string>\" or {ConnectionVariable} is required");

    private void Add(string name, string value)
    {
        if (!options.TryGetValue(name, out var values))
        {
            values = [];
            options[name] = values;
        }

        values.Add(value);
    }
}

public sealed class UsageException(string message) : Exception(message);
