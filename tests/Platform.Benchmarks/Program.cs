using System.Globalization;
using Platform.Benchmarks;

// Usage (against a platform started by deploy/local/up.sh): see deploy/bench/run.sh.
//   dotnet run -c Release --project tests/Platform.Benchmarks -- [--rates 50,100,200,400,800] [--seconds 15]
//     [--baseline-messages 20000] [--warm-up 200x10] [--samples-per-second 4] [--pids .local/pids]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- deadlines [--engagements 2000000] [--missing-percent 15] [--declarers 4]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- bursts [--requests 400] [--keys 20]
//   dotnet run -c Release --project tests/Platform.Benchmarks -- checkpoints [--every 10000] [--rounds 7] [--amqp amqp://…]
if (args is ["deadlines", ..])
{
    await Platform.Benchmarks.Deadlines.DeadlineBenchmark.RunAsync(args);
    return;
}

if (args is ["checkpoints", ..])
{
    await Platform.Benchmarks.Checkpoints.CheckpointBenchmark.RunAsync(args);
    return;
}

if (args is ["bursts", ..])
{
    await KeyedBursts.RunAsync(args, BenchmarkSettings.Parse(args));
    return;
}

var settings = BenchmarkSettings.Parse(args);
var culture = CultureInfo.InvariantCulture;
var runId = DateTimeOffset.UtcNow.ToString("MMddHHmm", culture);
Console.WriteLine($"# Platform benchmark {DateTimeOffset.UtcNow:u} — {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30)} GiB");

// The broker's limit is measured before and after the platform's steps, and the higher is the baseline: a limit
// measured while just-started services still compile their code would flatter the platform's ratio.
Console.Error.WriteLine("baseline: raw RabbitMQ publish with confirms + consume …");
var baselines = new List<BrokerBaseline.Result> { await BrokerBaseline.RunAsync(new Uri(settings.Amqp), settings.BaselineMessages) };

using var load = new PlatformLoad(settings);
// Services just started compile their code and grow their connection pools during the first seconds: not measured.
Console.Error.WriteLine($"warm-up: {settings.WarmUpRate} declarations/s for {settings.WarmUpSeconds} s (not reported) …");
await load.RunStepAsync(settings.WarmUpRate, runId + "w", settings.WarmUpSeconds);
await load.DrainAsync();
var steps = new List<PlatformLoad.StepResult>();
foreach (var rate in settings.Rates)
{
    Console.Error.WriteLine($"platform: {rate} declarations/s for {settings.Seconds} s …");
    var step = await load.RunStepAsync(rate, runId, settings.Seconds);
    steps.Add(step);
    await load.DrainAsync();
}

Console.WriteLine();
Console.WriteLine("## Platform: declarations over HTTP at stepped open-loop rates");
Console.WriteLine("| target/s | sent | accepted | achieved/s | submit p50 ms | p95 ms | p99 ms | flag in review p50 / p95 s | event in audit p50 / p95 s | backlog after | kept up |");
Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
foreach (var s in steps)
{
    Console.WriteLine(string.Create(culture,
        $"| {s.Rate} | {s.Sent} | {s.Accepted} | {s.AchievedPerSecond:0} | {s.P50Ms:0.0} | {s.P95Ms:0.0} | {s.P99Ms:0.0} | {s.FlagP50Seconds:0.00} / {s.FlagP95Seconds:0.00} | {s.AuditP50Seconds:0.00} / {s.AuditP95Seconds:0.00} | {s.BacklogAfter} | {(s.Sustained ? "yes" : "no")} |"));
}

Console.WriteLine();
Console.WriteLine("## CPU each service used per accepted declaration (ms, all its instances, from the step's start until its queues were empty; postgresql: the whole server)");
var services = steps.SelectMany(s => s.CpuMsPerDeclaration.Keys).Distinct().Where(name => name is not ("identity" or "web")).Order().ToList();
Console.WriteLine($"| target/s | {string.Join(" | ", services)} | total |");
Console.WriteLine($"|---|{string.Concat(services.Select(_ => "---|"))}---|");
foreach (var s in steps)
{
    var cpu = services.Select(name => s.CpuMsPerDeclaration.GetValueOrDefault(name)).ToList();
    Console.WriteLine(string.Create(culture, $"| {s.Rate} | {string.Join(" | ", cpu.Select(ms => ms.ToString("0.00", culture)))} | {cpu.Sum():0.00} |"));
}

Console.Error.WriteLine("baseline again: raw RabbitMQ publish with confirms + consume …");
baselines.Add(await BrokerBaseline.RunAsync(new Uri(settings.Amqp), settings.BaselineMessages));
var baseline = baselines.MaxBy(result => result.RoundTripPerSecond)!;
Console.WriteLine();
Console.WriteLine("## Baseline: raw RabbitMQ.Client, persistent quorum-queue messages, confirms, 128 in flight");
foreach (var (result, when) in baselines.Zip(["before the steps", "after the steps"]))
{
    Console.WriteLine(string.Create(culture, $"- {when}: {result.Messages} messages of {result.MessageBytes} B: published " +
        $"{result.PublishedPerSecond:0} msg/s, published and consumed {result.RoundTripPerSecond:0} msg/s"));
}

var best = steps.Where(s => s.Sustained).Select(s => s.AchievedPerSecond).DefaultIfEmpty(0).Max();
Console.WriteLine();
Console.WriteLine(string.Create(culture,
    $"Highest sustained rate: {best:0} declarations/s = {best / baseline.RoundTripPerSecond:0.000} × the raw broker round trip ({baseline.RoundTripPerSecond:0} msg/s, the higher baseline)."));
Console.WriteLine();
Console.WriteLine("## Peak memory of each service (VmHWM)");
var pidFiles = Directory.Exists(settings.PidFolder) ? Directory.GetFiles(settings.PidFolder, "*.pid") : [];
foreach (var pidFile in pidFiles.Order())
{
    var pid = File.ReadAllText(pidFile).Trim();
    var status = $"/proc/{pid}/status";
    var peak = File.Exists(status) ? File.ReadLines(status).FirstOrDefault(line => line.StartsWith("VmHWM", StringComparison.Ordinal)) : null;
    Console.WriteLine($"- {Path.GetFileNameWithoutExtension(pidFile)}: {peak?.Split(':')[1].Trim() ?? "not running"}");
}

/// <summary>Where the platform is and how hard to push it; defaults match deploy/local/up.sh.</summary>
internal sealed record BenchmarkSettings(
    IReadOnlyList<int> Rates,
    int Seconds,
    int WarmUpRate,
    int WarmUpSeconds,
    int BaselineMessages,
    int SamplesPerSecond,
    string PidFolder,
    string Declarations,
    string Review,
    string Audit,
    string Amqp,
    string Management,
    string Identity)
{
    public static BenchmarkSettings Parse(string[] args)
    {
        string Option(string name, string fallback)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
        }

        return new BenchmarkSettings(
            Option("--rates", "50,100,200,400,800").Split(',').Select(rate => int.Parse(rate, CultureInfo.InvariantCulture)).ToList(),
            int.Parse(Option("--seconds", "15"), CultureInfo.InvariantCulture),
            int.Parse(Option("--warm-up", "200x10").Split('x')[0], CultureInfo.InvariantCulture),
            int.Parse(Option("--warm-up", "200x10").Split('x')[1], CultureInfo.InvariantCulture),
            int.Parse(Option("--baseline-messages", "20000"), CultureInfo.InvariantCulture),
            int.Parse(Option("--samples-per-second", "4"), CultureInfo.InvariantCulture),
            Option("--pids", ".local/pids"),
            Option("--declarations", "http://127.0.0.1:5101"),
            Option("--review", "http://127.0.0.1:5103"),
            Option("--audit", "http://127.0.0.1:5105"),
            Option("--amqp", "amqp://guest:guest@127.0.0.1:5672"),
            Option("--management", "http://guest:guest@127.0.0.1:15672"),
            Option("--identity", "http://127.0.0.1:5099"));
    }
}
