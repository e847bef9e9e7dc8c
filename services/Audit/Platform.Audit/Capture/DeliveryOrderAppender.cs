using Platform.Audit.Log;

namespace Platform.Audit.Capture;

/// <summary>
/// Appends the events of the audit log's queue in the order RabbitMQ delivered them, many at a time. The consumer takes
/// many messages at once, and a message can reach it a few milliseconds after one delivered behind it (the receive
/// pipeline runs them concurrently): appended as they come, a recipient's events could swap places in the log. So each
/// message waits here under its delivery tag, and one loop appends the run of consecutive tags that follows the last one
/// appended, in a few transactions (<see cref="LogAppender"/>), then lets those messages be acknowledged. Delivery tags
/// count the deliveries of one channel from 1, and the queue's one consumer has its channel to itself: a tag missing from
/// the run is a message still on its way, waited for up to the gap timeout (longer, it was refused before reaching the
/// consumer — unreadable, say — and moved to the error queue: the run goes on without it).
/// <para>
/// A pass puts each producer's events in their sequence order, in the places its events hold among the pass's
/// deliveries. Delivery order is publication order, except where RabbitMQ delivers again what a consumer held
/// unacknowledged when the node stopped: a quorum queue can then hand that run over in reverse (a defect of RabbitMQ
/// seen on 3.10). Such a run comes first on a channel, at once: so a channel's first pass waits until its deliveries
/// stop coming (for <see cref="DefaultSettleTime"/>, or until <see cref="FirstPassLimit"/> are here) and takes them all.
/// </para>
/// </summary>
/// <param name="gapTimeout">How long a missing delivery tag holds the ones after it back (<see cref="DefaultGapTimeout"/>).</param>
/// <param name="settleTime">How long without a delivery ends a channel's first run (<see cref="DefaultSettleTime"/>).</param>
public sealed class DeliveryOrderAppender(
    LogAppender appender, ILogger<DeliveryOrderAppender> logger, TimeSpan? gapTimeout = null, TimeSpan? settleTime = null) : IDisposable
{
    /// <summary>Events appended in one pass at most.</summary>
    public const int RunLimit = 100;

    /// <summary>Events a channel's first pass takes at most: as many as the consumer is handed at once.</summary>
    public const int FirstPassLimit = RunLimit * 2;

    public static readonly TimeSpan DefaultGapTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan DefaultSettleTime = TimeSpan.FromMilliseconds(200);

    private readonly TimeSpan gapTimeout = gapTimeout ?? DefaultGapTimeout;
    private readonly TimeSpan settleTime = settleTime ?? DefaultSettleTime;

    private readonly Lock gate = new();
    private readonly SemaphoreSlim appending = new(1, 1);
    private readonly SortedDictionary<ulong, Waiting> waiting = [];
    private readonly HashSet<string> replaced = [];
    private string channel = "";
    private ulong next = 1;
    private bool firstPass;

    /// <summary>
    /// Appends <paramref name="captured"/> once every event delivered before it on <paramref name="consumerTag"/>'s
    /// channel is appended (or given up on); completes when it is in the log.
    /// </summary>
    public async Task AppendAsync(string consumerTag, ulong deliveryTag, CapturedEvent captured, CancellationToken cancellationToken)
    {
        var entry = new Waiting(captured, DateTime.UtcNow);
        bool behind;
        lock (gate)
        {
            if (replaced.Contains(consumerTag))
            {
                // A late message (a retry, say) of a channel already replaced: the broker delivers it again on the new one.
                throw ChannelReplaced();
            }

            if (consumerTag != channel)
            {
                // A new channel (a reconnection, another instance's turn) counts its deliveries from 1 again, and
                // delivers again the messages of the old one not yet acknowledged.
                FailAll(ChannelReplaced());
                replaced.Add(channel);
                channel = consumerTag;
                next = 1;
                firstPass = true;
            }

            // A tag already passed: a retry of a message given up on as a gap. Nothing of its channel waits for it.
            behind = deliveryTag < next;
            if (!behind)
            {
                waiting[deliveryTag] = entry;
            }
        }

        if (behind)
        {
            await appender.AppendAsync([captured], cancellationToken);
            return;
        }

        while (!entry.Done.Task.IsCompleted)
        {
            await appending.WaitAsync(cancellationToken);
            try
            {
                if (!entry.Done.Task.IsCompleted)
                {
                    await AppendRunAsync(cancellationToken);
                }
            }
            finally
            {
                appending.Release();
            }

            if (!entry.Done.Task.IsCompleted)
            {
                // Waiting on an earlier delivery: look again shortly (or when it arrives and appends this one too).
                await Task.WhenAny(entry.Done.Task, Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken));
            }
        }

        await entry.Done.Task;
    }

    /// <summary>Appends the consecutive run waiting from <see cref="next"/> (skipping a gap older than the timeout).</summary>
    private async Task AppendRunAsync(CancellationToken cancellationToken)
    {
        List<KeyValuePair<ulong, Waiting>> run;
        bool wasFirst;
        lock (gate)
        {
            wasFirst = firstPass;
            var limit = RunLimit;
            if (firstPass)
            {
                if (waiting.Count < FirstPassLimit && waiting.Values.Any(entry => DateTime.UtcNow - entry.ArrivedAt < settleTime))
                {
                    return;
                }

                limit = FirstPassLimit;
            }

            if (waiting.Count > 0 && !waiting.ContainsKey(next))
            {
                var (first, oldest) = waiting.First();
                if (DateTime.UtcNow - oldest.ArrivedAt < gapTimeout)
                {
                    return;
                }

                logger.LogWarning("Delivery tags {From} to {To} of the audit log's queue never reached the consumer; appending on", next, first - 1);
                next = first;
            }

            run = [];
            while (run.Count < limit && waiting.TryGetValue(next, out var entry))
            {
                run.Add(KeyValuePair.Create(next, entry));
                waiting.Remove(next);
                next++;
            }

            firstPass &= run.Count == 0;
        }

        if (run.Count == 0)
        {
            return;
        }

        try
        {
            await appender.AppendAsync(InProducerOrder(run.Select(entry => entry.Value.Event).ToList()), cancellationToken);
        }
        catch (Exception exception)
        {
            // Not appended: each message fails, is retried by the bus under its tag, and waits its turn again.
            lock (gate)
            {
                next = Math.Min(next, run[0].Key);
                firstPass |= wasFirst;
            }

            foreach (var (_, entry) in run)
            {
                entry.Done.TrySetException(exception);
            }

            return;
        }

        foreach (var (_, entry) in run)
        {
            entry.Done.TrySetResult();
        }
    }

    /// <summary>The pass with each producer's events in sequence order, in the places that producer's events hold.</summary>
    private static CapturedEvent[] InProducerOrder(List<CapturedEvent> pass)
    {
        var ordered = pass.ToArray();
        foreach (var producer in pass.Select((captured, place) => (captured, place)).GroupBy(entry => entry.captured.Producer, StringComparer.Ordinal))
        {
            var places = producer.Select(entry => entry.place).ToList();
            var inSequence = producer.Select(entry => entry.captured).OrderBy(captured => captured.ProducerSequence).ToList();
            for (var i = 0; i < places.Count; i++)
            {
                ordered[places[i]] = inSequence[i];
            }
        }

        return ordered;
    }

    private static OperationCanceledException ChannelReplaced() => new("The audit log's channel was replaced: delivered again on the new one.");

    private void FailAll(Exception reason)
    {
        foreach (var entry in waiting.Values)
        {
            entry.Done.TrySetException(reason);
        }

        waiting.Clear();
    }

    public void Dispose() => appending.Dispose();

    private sealed record Waiting(CapturedEvent Event, DateTime ArrivedAt)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
