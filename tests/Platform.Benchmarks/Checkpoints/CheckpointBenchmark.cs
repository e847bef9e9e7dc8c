using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Audit.Capture;
using Platform.Audit.Checkpoints;
using Platform.Audit.Log;
using Platform.Contracts.Declarations;
using Platform.ServiceDefaults.Messaging;

namespace Platform.Benchmarks.Checkpoints;

/// <summary>
/// What a signed checkpoint costs the audit service, against what the entries it covers cost to append, in one run on
/// one database. Each round appends <c>--every</c> events (default 10,000, the service's default checkpoint interval)
/// through the service's own <see cref="LogAppender"/> in batches of the consumer's size, then has the service's own
/// <see cref="CheckpointSigner"/> re-check those entries and sign the new head, published on a real RabbitMQ bus.
/// A first round warms the code up and is not reported. Prints each round and the median ratio checkpoint / append.
/// </summary>
internal static class CheckpointBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        string Option(string name, string fallback) => args.SkipWhile(arg => arg != name).Skip(1).FirstOrDefault() ?? fallback;
        var every = int.Parse(Option("--every", "10000"), CultureInfo.InvariantCulture);
        var rounds = int.Parse(Option("--rounds", "7"), CultureInfo.InvariantCulture);
        var amqp = new Uri(Option("--amqp", "amqp://guest:guest@127.0.0.1:5672/"));

        await using var database = await BenchmarkDatabase.CreateAsync("bench_checkpoints", "services/Audit/Platform.Audit/Data/Migrations");
        var bus = Bus.Factory.CreateUsingRabbitMq(configure => configure.Host(amqp));
        await bus.StartAsync();
        try
        {
            var appender = new LogAppender(database.DataSource, Options.Create(new OutboxOptions()));
            var options = Options.Create(new CheckpointOptions { Every = every });
            using var key = new CheckpointKey(options, new BenchmarkEnvironment(), NullLogger<CheckpointKey>.Instance);
            var signer = new CheckpointSigner(database.DataSource, key, bus, options, TimeProvider.System, NullLogger<CheckpointSigner>.Instance);

            var c = CultureInfo.InvariantCulture;
            Console.WriteLine($"## Audit checkpoints: one every {every:N0} entries, {rounds} rounds (load average {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(" ")[..3])})");
            Console.WriteLine();
            Console.WriteLine($"| round | append {every:N0} entries s | sign a checkpoint over them s | checkpoint / append |");
            Console.WriteLine("|---|---|---|---|");
            var ratios = new List<double>();
            long sequence = 0;
            for (var round = 0; round <= rounds; round++)
            {
                var append = Stopwatch.StartNew();
                for (var batch = 0; batch < every; batch += DeliveryOrderAppender.RunLimit)
                {
                    var events = Enumerable.Range(0, Math.Min(DeliveryOrderAppender.RunLimit, every - batch)).Select(_ => Event(++sequence)).ToList();
                    await appender.AppendAsync(events, CancellationToken.None);
                }

                append.Stop();
                var sign = Stopwatch.StartNew();
                var checkpoint = await signer.SignIfDueAsync(timeDue: false, CancellationToken.None)
                    ?? throw new InvalidOperationException("No checkpoint was signed: the log does not chain.");
                sign.Stop();
                if (round == 0)
                {
                    continue;
                }

                ratios.Add(sign.Elapsed / append.Elapsed);
                Console.WriteLine(string.Create(c,
                    $"| {round} (to position {checkpoint.Position:N0}) | {append.Elapsed.TotalSeconds:0.000} | {sign.Elapsed.TotalSeconds:0.000} | {ratios[^1]:0.000} |"));
            }

            Console.WriteLine();
            Console.WriteLine(string.Create(c, $"Median checkpoint / append: {ratios.Order().ElementAt(ratios.Count / 2):0.000}."));
        }
        finally
        {
            await bus.StopAsync();
        }
    }

    /// <summary>A declaration as the declarations service publishes it, captured as the audit consumer captures it.</summary>
    private static CapturedEvent Event(long sequence)
    {
        var occurredAt = DateTimeOffset.UtcNow;
        var recipient = $"r-{sequence % 10_000:D6}";
        var message = new DeclarationSubmitted(recipient, "2026-W40", 1,
            [new("job-search", new DateOnly(2026, 9, 28), 3m, "Candidature envoyée à une entreprise du secteur")], 3m, false, occurredAt)
        {
            EventId = Guid.CreateVersion7(occurredAt), Producer = "declarations", ProducerSequence = sequence, OccurredAt = occurredAt,
        };
        return new CapturedEvent(message.EventId, EventTypes.Urn<DeclarationSubmitted>(), "declarations", sequence, occurredAt,
            occurredAt, recipient, JsonSerializer.SerializeToUtf8Bytes(message, EventTypes.Json), "declarations");
    }

    /// <summary>Not production: the checkpoint key is made for this run.</summary>
    private sealed class BenchmarkEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Benchmark";

        public string ApplicationName { get; set; } = "Platform.Benchmarks";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
