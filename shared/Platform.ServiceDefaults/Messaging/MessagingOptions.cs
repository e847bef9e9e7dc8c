using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Messaging;

public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public ushort Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "";

    [Required]
    public string Password { get; set; } = "";

    /// <summary>Messages fetched ahead per consumer queue.</summary>
    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    /// <summary>
    /// Partition queues of each service (P): the recipients' events a service consumes are hashed by recipient onto
    /// this many queues, each consumed one message at a time. The same on every instance of a service.
    /// </summary>
    [Range(1, 256)]
    public int Partitions { get; set; } = 16;

    /// <summary>Messages processed at once per queue that is not partitioned (the producers' heads; the audit log sets its own).</summary>
    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;
}

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>False leaves committed events in the outbox (used to prove that a restart publishes them).</summary>
    public bool DispatchEnabled { get; set; } = true;

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Partitions of the outbox (P): a recipient's events all fall in one, and each partition is published by one
    /// instance at a time, in order. The same on every instance of a service; change it with the outbox drained.
    /// </summary>
    [Range(1, 1_024)]
    public int Partitions { get; set; } = 16;

    /// <summary>How often an instance counts the live instances and takes (or lets go of) partitions to hold its share.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan OwnershipInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the outbox is read when no commit of this instance woke the dispatcher.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a batch's publishes may wait for the broker's confirmations. Past it the batch is given up, its events
    /// stay unpublished and go again: a confirmation lost with a dropped connection must not hold the dispatcher, and
    /// the partitions it owns, for good. Going again is safe, as every consumer recognises an event it has seen.
    /// </summary>
    public TimeSpan ConfirmTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the service states the last sequence it has published (<c>ProducerHeadStated</c>); also when it stops.</summary>
    public TimeSpan HeadInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events waiting to be published past which writing routes answer 503: while the broker is away the outbox holds
    /// what the service accepts, up to this many events.
    /// </summary>
    [Range(1, 100_000_000)]
    public int MaxDepth { get; set; } = 100_000;

    /// <summary>How old the outbox depth a request is judged on may be (it is counted at most once per interval).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan DepthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);
}
