namespace Platform.Contracts;

/// <summary>
/// A service states the last producer sequence number it has published (on a timer and when it stops), so that the
/// audit log can see events lost at the end of a producer's sequence, where no later event shows the gap. Published
/// directly, not through the outbox, and not an <see cref="IPlatformEvent"/>: it takes no sequence number itself.
/// </summary>
public sealed record ProducerHeadStated(string Producer, long LastSequence, DateTimeOffset StatedAt);
