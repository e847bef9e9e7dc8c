using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;

namespace Platform.Audit.Log;

/// <summary>One thing the log proves went wrong, at the entry where it shows.</summary>
public sealed record Violation(long Position, string Kind, string Reason);

/// <summary>The verification answer (docs/api.md): <c>{ intact, entries, violations: [ { position, kind, reason } ] }</c>.</summary>
public sealed record VerificationReport(bool Intact, long Entries, IReadOnlyList<Violation> Violations);

/// <summary>
/// Where a pass stopped, with everything needed to go on from there as if the pass had never stopped (see
/// <see cref="LogVerifier.Snapshot"/> and <see cref="LogVerifier.Resume"/>): the last position and hash, each
/// producer's sequence and open gaps, the sanction facts later adjustments are checked against, and the violations
/// found so far. Stored as JSON with each background verification run.
/// </summary>
public sealed record VerifierState(
    long LastPosition,
    string LastHash,
    long Entries,
    bool Truncated,
    IReadOnlyList<Violation> Violations,
    IReadOnlyDictionary<string, ProducerState> Producers,
    IReadOnlyList<DecisionState> Decisions,
    IReadOnlyList<RecipientNotified> Notifications,
    IReadOnlyDictionary<Guid, DateTimeOffset> FirstObservations,
    long LastMatchedCheckpoint,
    bool CheckpointDeparted,
    IReadOnlyList<PublisherProblemCount> PublisherProblems,
    IReadOnlyList<NoticeReceiptState>? Receipts = null,
    IReadOnlyDictionary<Guid, IReadOnlyList<DateTimeOffset>>? NothingToAdd = null,
    IReadOnlyList<Guid>? HearingsRequested = null,
    IReadOnlyDictionary<Guid, DateTimeOffset>? HearingsHeld = null,
    IReadOnlyList<PartitionState>? Partitions = null,
    AppealLogState? Appeals = null);

/// <summary>
/// What the appeal checks carry from one pass to the next: who proposed each proposal, the appeal decisions later
/// repayments are checked against, the appeals still without an outcome, and the latest instant the log had reached.
/// </summary>
public sealed record AppealLogState(
    IReadOnlyDictionary<Guid, IReadOnlyList<string>> Proposers,
    IReadOnlyList<AppealDecisionState> Decisions,
    IReadOnlyList<OpenAppealState> Open,
    DateTimeOffset? LogTime,
    IReadOnlyList<Guid>? Filed = null,
    IReadOnlyList<Guid>? ImplicitlyRejected = null,
    IReadOnlyList<Guid>? RejectedProposals = null,
    IReadOnlyList<PendingLetterState>? PendingLetters = null);

/// <summary>A decision letter whose decision the pass had not seen yet when it read the letter.</summary>
public sealed record PendingLetterState(Guid LetterId, string Kind, Guid? DecisionId, Guid? ProposalId, Guid? AppealId, long Position);

/// <summary>An appeal decision as the pass recorded it.</summary>
public sealed record AppealDecisionState(AppealDecided Decision, long Position);

/// <summary>An appeal filed and, so far, neither decided nor implicitly rejected; <paramref name="DueOn"/> is two months after its filing.</summary>
public sealed record OpenAppealState(Guid AppealId, Guid SanctionDecisionId, DateOnly DueOn, long Position);

/// <summary>
/// Where a pass stands in one partition's chain: its last position and hash, the last signed checkpoint head it still
/// matched, and, when it no longer extends a checkpoint, from which position on (at the latest) and why.
/// </summary>
public sealed record PartitionState(
    int Partition, long LastPosition, string LastHash, long LastMatchedCheckpoint, long? DepartedFrom = null, string? DepartedReason = null, bool Legacy = false);

/// <summary>A partition's head as the log's head row (or a signed checkpoint) records it: last position and its hash (hex).</summary>
public sealed record PartitionHead(int Partition, long Position, string HeadHash);

/// <summary>
/// A notice's first proof of receipt as the log shows it: the earliest instant of any proof, and the answer window
/// the review service counted from it (at least the legal 10 days).
/// </summary>
public sealed record NoticeReceiptState(Guid NoticeId, DateTimeOffset FirstReceivedAt, TimeSpan Window)
{
    /// <summary>The deadline, measured from the first proof of receipt, never less than 10 days after it.</summary>
    public DateTimeOffset Deadline =>
        FirstReceivedAt + (Window < ReviewDeadlines.MinimumObservationWindow ? ReviewDeadlines.MinimumObservationWindow : Window);
}

/// <summary>
/// What the log held, when a decision was recorded, about how its answer window could have closed: the first proof of
/// receipt of its notice, the first « nothing to add » since the notification, and the hearing asked for and held.
/// </summary>
public sealed record WindowEvidence(NoticeReceiptState? Receipt, DateTimeOffset? NothingToAddAt, bool HearingRequested, DateTimeOffset? HearingHeldAt);

/// <summary>A producer's next expected sequence and its open gaps.</summary>
public sealed record ProducerState(long Next, IReadOnlyList<GapState> Gaps);

/// <summary>Sequence numbers <c>From</c> to <c>To</c> not seen yet, first skipped at position <c>SeenAt</c>.</summary>
public sealed record GapState(long From, long To, long SeenAt);

/// <summary>A sanction decision as the pass recorded it, with the notification and first observation that preceded it.</summary>
public sealed record DecisionState(
    SanctionDecided Decision, long Position, RecipientNotified? Notification, DateTimeOffset? FirstObservation, WindowEvidence? Window = null);

public sealed record PublisherProblemCount(string Publisher, string Producer, int Count);

/// <summary>Stable violation kinds a client can switch on.</summary>
public static class ViolationKinds
{
    public const string MissingEntry = "missing-entry";
    public const string AlteredEntry = "altered-entry";
    public const string SequenceGap = "sequence-gap";
    public const string DuplicateSequence = "duplicate-sequence";
    public const string UnreadableEvent = "unreadable-event";
    public const string AdjustmentWithoutDecision = "adjustment-without-decision";
    public const string BadSignature = "bad-signature";
    public const string SelfApproval = "self-approval";
    public const string NoNotification = "no-notification";
    public const string WindowNotRespected = "window-not-respected";

    /// <summary>A decision claiming a closed answer window with no proof that the recipient ever received the notice.</summary>
    public const string NoticeNotReceived = "notice-not-received";

    /// <summary>A decision whose <c>windowClosedBy</c> claim the recorded events do not bear out.</summary>
    public const string WindowClaimUnsupported = "window-claim-unsupported";
    public const string FlagNotReproducible = "flag-not-reproducible";
    public const string Truncated = "truncated";

    /// <summary>The event carries no publisher validated by the broker (no AMQP user_id).</summary>
    public const string UnvalidatedPublisher = "unvalidated-publisher";

    /// <summary>The broker user that published the event may not publish as the producer it claims.</summary>
    public const string PublisherMismatch = "publisher-mismatch";

    /// <summary>The log no longer extends a signed checkpoint: its tail was cut, or entries were rewritten and re-hashed.</summary>
    public const string CheckpointDeparted = "checkpoint-departed";

    /// <summary>A producer stated (or a checkpoint signed) a last sequence the log does not reach: its last events were lost.</summary>
    public const string ProducerHeadAhead = "producer-head-ahead";

    /// <summary>An appeal decision on a sanction decision that does not precede it in the log.</summary>
    public const string AppealWithoutDecision = "appeal-without-decision";

    /// <summary>An appeal decided by the person who proposed or approved the sanction appealed: not a third person.</summary>
    public const string AppealNotIndependent = "appeal-not-independent";

    /// <summary>A repayment after an appeal that no appeal decision earlier in the log orders, or not as decided.</summary>
    public const string RepaymentWithoutAppealDecision = "repayment-without-appeal-decision";

    /// <summary>An appeal filed more than two months (and a day) before the log's latest instant, with neither an outcome nor an implicit rejection.</summary>
    public const string AppealUnanswered = "appeal-unanswered";

    /// <summary>A decision letter that names no decision the log holds (a signed sanction or appeal decision, a rejection, an appeal filed or implicitly rejected).</summary>
    public const string LetterWithoutDecision = "letter-without-decision";
}

/// <summary>
/// Which broker users may publish as which producers (configuration <c>Audit:Publishers:&lt;broker user&gt;</c> =
/// comma-separated producers, <c>*</c> for any: a development broker where every service connects as one user).
/// </summary>
public sealed class PublisherPolicy(IEnumerable<KeyValuePair<string, string?>> producersByUser)
{
    private readonly Dictionary<string, HashSet<string>> allowed = producersByUser
        .Where(pair => !string.IsNullOrWhiteSpace(pair.Value))
        .ToDictionary(
            pair => pair.Key,
            pair => pair.Value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);

    public int Count => allowed.Count;

    /// <summary>Null when <paramref name="publisher"/> may publish as <paramref name="producer"/>; otherwise the violation.</summary>
    public (string Kind, string Reason)? Check(string? publisher, string producer)
    {
        if (string.IsNullOrEmpty(publisher))
        {
            return (ViolationKinds.UnvalidatedPublisher, $"the event claims producer '{producer}' but carries no publisher validated by the broker");
        }

        if (!allowed.TryGetValue(publisher, out var producers))
        {
            return (ViolationKinds.PublisherMismatch, $"broker user '{publisher}' is not a known publisher (it claims producer '{producer}')");
        }

        return producers.Contains("*") || producers.Contains(producer)
            ? null
            : (ViolationKinds.PublisherMismatch, $"broker user '{publisher}' published an event claiming producer '{producer}'");
    }
}

/// <summary>
/// What a signed checkpoint says the log was at its position, as verification holds the log to it: every partition's
/// head (<paramref name="Partitions"/>), or, for a checkpoint of the log before partitions, the one chain's head hash at
/// <paramref name="Position"/> (partition 0's history).
/// </summary>
public sealed record CheckpointMark(
    long Position, byte[] HeadHash, IReadOnlyDictionary<string, long> Producers, string Description, IReadOnlyList<PartitionHead>? Partitions = null);

/// <summary>Re-runs a flag's rule and version on its recorded facts and parameters: true when it raises the flag again.</summary>
public delegate bool FlagReproduction(RecordedFlag flag);

/// <summary>What re-running a flag needs from a recorded <see cref="FlagRaised"/>, and no more (its texts are not read).</summary>
public sealed record RecordedFlag(string RuleId, int RuleVersion, JsonElement Facts, IReadOnlyDictionary<string, decimal>? Parameters);

/// <summary>
/// Checks the log in one pass, in position order, in memory that does not grow with the log: what it keeps is the
/// last hash, each producer's next sequence number and its open gaps, and the few facts sanctions are checked
/// against (decisions, notifications, observations), which are rare next to declarations.
/// </summary>
public sealed class LogVerifier(
    DecisionKeys keys, FlagReproduction reproduce, int maxViolations = 10_000, PublisherPolicy? publishers = null) : IDisposable
{
    private readonly Dictionary<int, Chain> chains = [];
    private readonly List<(string Producer, long Sequence, string Source)> statedHeads = [];
    private readonly Dictionary<(string Publisher, string Producer), int> publisherProblems = [];
    // Partitions' chains are checked in parallel (each chain by one thread at a time): violations and chains are added under this gate.
    private readonly Lock gate = new();
    private readonly List<Violation> violations = [];
    private readonly Dictionary<string, ProducerSequence> producers = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, RecordedDecision> decisions = [];
    private readonly Dictionary<Guid, RecipientNotified> notifications = [];
    private readonly Dictionary<Guid, DateTimeOffset> firstObservations = [];
    private readonly Dictionary<Guid, NoticeReceiptState> receipts = [];
    private readonly Dictionary<Guid, List<DateTimeOffset>> nothingToAdd = [];
    private readonly HashSet<Guid> hearingsRequested = [];
    private readonly Dictionary<Guid, DateTimeOffset> hearingsHeld = [];
    private readonly Dictionary<Guid, List<string>> proposers = [];
    private readonly Dictionary<Guid, AppealDecisionState> appealDecisions = [];
    private readonly Dictionary<Guid, OpenAppealState> openAppeals = [];
    private readonly HashSet<Guid> filedAppeals = [];
    private readonly HashSet<Guid> implicitlyRejectedAppeals = [];
    private readonly HashSet<Guid> rejectedProposals = [];
    private readonly HashSet<Guid> suspensionEndings = [];
    private readonly List<PendingLetterState> pendingLetters = [];
    private DateTimeOffset? logTime;
    private readonly ArrayBufferWriter<byte> canonical = new(4096);
    private readonly byte[] computed = new byte[EntryHash.Size];
    private FlagWorker? flagWorker;
    private long entries;
    private bool truncated;

    public long Entries => entries;

    /// <summary>The last position checked so far, over every partition (0 before any).</summary>
    public long LastPosition => chains.Count == 0 ? 0 : chains.Values.Max(chain => chain.LastPosition);

    private Chain ChainOf(int partition)
    {
        lock (gate)
        {
            if (!chains.TryGetValue(partition, out var chain))
            {
                chain = new Chain(partition);
                chains[partition] = chain;
            }

            return chain;
        }
    }

    /// <summary>
    /// Where the pass stands, before <see cref="Complete(IEnumerable{PartitionHead})"/>: waits for the flags posted so far (their findings join the
    /// violations), so the state holds everything the entries up to <see cref="LastPosition"/> showed.
    /// </summary>
    public VerifierState Snapshot()
    {
        if (flagWorker is not null)
        {
            foreach (var found in flagWorker.Finish())
            {
                Report(found.Position, found.Kind, found.Reason);
            }

            flagWorker.Dispose();
            flagWorker = null;
        }

        var newest = chains.Values.OrderByDescending(chain => chain.LastPosition).FirstOrDefault();
        return new VerifierState(
            newest?.LastPosition ?? 0,
            Convert.ToHexStringLower(newest?.LastHash ?? EntryHash.Genesis),
            entries,
            truncated,
            violations.ToList(),
            producers.ToDictionary(pair => pair.Key, pair => pair.Value.State(), StringComparer.Ordinal),
            decisions.Values.Select(d => new DecisionState(d.Decision, d.Position, d.Notification, d.FirstObservation, d.Window)).ToList(),
            notifications.Values.ToList(),
            new Dictionary<Guid, DateTimeOffset>(firstObservations),
            chains.GetValueOrDefault(0)?.LastMatched ?? 0,
            chains.Values.Any(chain => chain.DepartedFrom is not null),
            publisherProblems.Select(pair => new PublisherProblemCount(pair.Key.Publisher, pair.Key.Producer, pair.Value)).ToList(),
            receipts.Values.ToList(),
            nothingToAdd.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<DateTimeOffset>)pair.Value.ToList()),
            hearingsRequested.ToList(),
            new Dictionary<Guid, DateTimeOffset>(hearingsHeld),
            chains.Values.OrderBy(chain => chain.Partition)
                .Select(chain => new PartitionState(
                    chain.Partition, chain.LastPosition, Convert.ToHexStringLower(chain.LastHash), chain.LastMatched, chain.DepartedFrom, chain.DepartedReason, chain.LastLegacy))
                .ToList(),
            new AppealLogState(
                proposers.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value.ToList()),
                appealDecisions.Values.ToList(),
                openAppeals.Values.ToList(),
                logTime,
                filedAppeals.ToList(),
                implicitlyRejectedAppeals.ToList(),
                rejectedProposals.ToList(),
                pendingLetters.ToList()));
    }

    /// <summary>
    /// Goes on from <paramref name="state"/> (a <see cref="Snapshot"/> of an earlier pass): the next entry fed must be the
    /// one after <see cref="VerifierState.LastPosition"/>. Call before the first entry, after the checkpoints.
    /// </summary>
    public void Resume(VerifierState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (entries > 0)
        {
            throw new InvalidOperationException("A pass resumes before its first entry.");
        }

        foreach (var partition in state.Partitions ?? [new PartitionState(0, state.LastPosition, state.LastHash, state.LastMatchedCheckpoint, Legacy: true)])
        {
            var chain = ChainOf(partition.Partition);
            chain.LastPosition = partition.LastPosition;
            chain.LastHash = Convert.FromHexString(partition.LastHash);
            chain.LastMatched = partition.LastMatchedCheckpoint;
            chain.DepartedFrom = partition.DepartedFrom;
            chain.DepartedReason = partition.DepartedReason;
            chain.LastLegacy = partition.Legacy;
            chain.SkipMarksUpTo(chain.LastPosition);
        }

        if (state.Partitions is null && state.CheckpointDeparted)
        {
            // A state from before partitions had already reported its departure among its violations.
            ChainOf(0).DepartedFrom = 0;
        }

        entries = state.Entries;
        truncated = state.Truncated;
        violations.AddRange(state.Violations);
        foreach (var (producer, held) in state.Producers)
        {
            producers[producer] = ProducerSequence.From(held);
        }

        foreach (var notification in state.Notifications)
        {
            notifications.TryAdd(notification.NotificationId, notification);
        }

        foreach (var decision in state.Decisions)
        {
            decisions.TryAdd(
                decision.Decision.DecisionId,
                new RecordedDecision(decision.Decision, decision.Position, decision.Notification, decision.FirstObservation, decision.Window));
        }

        foreach (var (flag, observed) in state.FirstObservations)
        {
            firstObservations[flag] = observed;
        }

        foreach (var receipt in state.Receipts ?? [])
        {
            receipts[receipt.NoticeId] = receipt;
        }

        foreach (var (flag, said) in state.NothingToAdd ?? new Dictionary<Guid, IReadOnlyList<DateTimeOffset>>())
        {
            nothingToAdd[flag] = [.. said];
        }

        hearingsRequested.UnionWith(state.HearingsRequested ?? []);
        foreach (var (proposal, held) in state.HearingsHeld ?? new Dictionary<Guid, DateTimeOffset>())
        {
            hearingsHeld[proposal] = held;
        }

        foreach (var count in state.PublisherProblems)
        {
            publisherProblems[(count.Publisher, count.Producer)] = count.Count;
        }

        if (state.Appeals is { } appeals)
        {
            foreach (var (proposal, by) in appeals.Proposers)
            {
                proposers[proposal] = [.. by];
            }

            foreach (var decided in appeals.Decisions)
            {
                appealDecisions.TryAdd(decided.Decision.DecisionId, decided);
            }

            foreach (var open in appeals.Open)
            {
                openAppeals.TryAdd(open.AppealId, open);
            }

            logTime = appeals.LogTime;
            filedAppeals.UnionWith(appeals.Filed ?? []);
            implicitlyRejectedAppeals.UnionWith(appeals.ImplicitlyRejected ?? []);
            rejectedProposals.UnionWith(appeals.RejectedProposals ?? []);
            pendingLetters.AddRange(appeals.PendingLetters ?? []);
        }
    }

    public void Add(LogEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        EntryHash.Compute(entry, canonical, computed);
        Add(entry.Position, entry.PreviousHash, entry.EntryHash, computed, entry.Producer, entry.ProducerSequence, ContentTypes.Of(entry.MessageType), entry.Body,
            entry.Publisher, entry.Partition, entry.PreviousPosition, entry.OccurredAt);
    }

    /// <summary>
    /// Holds the log to signed checkpoints (any order): the entry at each one's position must still have the head hash it
    /// signed, and the log must reach it. Call before the first entry.
    /// </summary>
    public void ExpectCheckpoints(IEnumerable<CheckpointMark> marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        foreach (var mark in marks)
        {
            if (mark.Partitions is null)
            {
                ChainOf(0).Marks.Add(new ChainMark(mark.Position, mark.HeadHash, mark.Description));
            }
            else
            {
                foreach (var head in mark.Partitions.Where(head => head.Position > 0))
                {
                    ChainOf(head.Partition).Marks.Add(new ChainMark(head.Position, Convert.FromHexString(head.HeadHash), mark.Description));
                }
            }

            foreach (var (producer, sequence) in mark.Producers)
            {
                statedHeads.Add((producer, sequence, mark.Description));
            }
        }

        foreach (var chain in chains.Values)
        {
            chain.Marks.Sort((a, b) => a.Position.CompareTo(b.Position));
        }
    }

    /// <summary>A producer's own statement of the last sequence it published: the log must reach it.</summary>
    public void ExpectProducerHead(string producer, long lastSequence, string source) => statedHeads.Add((producer, lastSequence, source));

    /// <summary>
    /// The same check on an entry read without materialising it (see <see cref="RawLogScanner"/>):
    /// <paramref name="computedHash"/> is the SHA-256 of its canonical bytes as recomputed by the caller.
    /// </summary>
    public void Add(
        long position,
        ReadOnlySpan<byte> previousHash,
        ReadOnlySpan<byte> entryHash,
        ReadOnlySpan<byte> computedHash,
        string producer,
        long producerSequence,
        ContentType type,
        ReadOnlySpan<byte> body,
        string? publisher = null,
        int partition = 0,
        long? previousPosition = null,
        DateTimeOffset? occurredAt = null)
    {
        AddLink(partition, position, previousPosition, previousHash, entryHash, computedHash);
        AddContent(position, producer, producerSequence, type, body, publisher, occurredAt);
    }

    /// <summary>
    /// The chain half of <see cref="Add(LogEntry)"/>: the entry's hash and its link to the previous entry of its
    /// partition, and the partition's signed checkpoint heads. Entries of one partition come in position order, from one
    /// thread at a time; different partitions may come from different threads at once.
    /// </summary>
    public void AddLink(
        int partition, long position, long? previousPosition, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> entryHash, ReadOnlySpan<byte> computedHash)
    {
        var chain = ChainOf(partition);
        CheckChain(chain, position, previousPosition, previousHash, entryHash, computedHash);
        CheckCheckpoint(chain, position, entryHash);
    }

    /// <summary>
    /// The other half: producer sequences, publishers and what the bodies say (decisions, notifications, flags...). Every
    /// entry of the log, in position order, from one thread. <paramref name="occurredAt"/> moves the log's latest instant,
    /// against which appeals left without an outcome are judged.
    /// </summary>
    public void AddContent(
        long position, string producer, long producerSequence, ContentType type, ReadOnlySpan<byte> body, string? publisher, DateTimeOffset? occurredAt = null)
    {
        entries++;
        if (occurredAt > logTime || (logTime is null && occurredAt is not null))
        {
            logTime = occurredAt;
        }

        CheckSequence(position, producer, producerSequence);
        CheckPublisher(position, producer, publisher);
        if (type != ContentType.Other)
        {
            CheckContent(position, type, body);
        }
    }

    private void CheckPublisher(long position, string producer, string? publisher)
    {
        if (publishers?.Check(publisher, producer) is not { } problem)
        {
            return;
        }

        // Every such entry is reported, but a flood from one publisher must not hide everything else: after 100 of one
        // kind for one (publisher, producer), the rest are counted, not listed.
        var key = (publisher ?? "", producer);
        var seen = publisherProblems.GetValueOrDefault(key) + 1;
        publisherProblems[key] = seen;
        if (seen <= 100)
        {
            Report(position, problem.Kind, problem.Reason);
        }
    }

    private static void CheckCheckpoint(Chain chain, long position, ReadOnlySpan<byte> entryHash)
    {
        chain.SkipMarksUpTo(position - 1); // positions the log skipped: reported as missing already
        while (chain.NextMark < chain.Marks.Count && chain.Marks[chain.NextMark].Position == position)
        {
            var mark = chain.Marks[chain.NextMark++];
            if (entryHash.SequenceEqual(mark.HeadHash))
            {
                chain.LastMatched = Math.Max(chain.LastMatched, position);
            }
            else if (chain.DepartedFrom is null)
            {
                chain.DepartedFrom = chain.LastMatched + 1;
                chain.DepartedReason =
                    $"{mark.Description} signed head hash {Convert.ToHexStringLower(mark.HeadHash)} at position {position}{chain.Named}, but the entry there now hashes "
                    + $"{Convert.ToHexStringLower(entryHash)}: entries from {chain.LastMatched + 1} to {position} were rewritten";
            }
        }
    }

    /// <summary>
    /// Ends the pass. <paramref name="headPosition"/> is the last position the log's head row records: entries removed
    /// from the end of the log leave no gap between the rows that remain, only this difference.
    /// </summary>
    public VerificationReport Complete(long headPosition) => Complete([new PartitionHead(0, headPosition, "")]);

    /// <summary>
    /// Ends the pass. <paramref name="heads"/> are the partitions' head rows: entries removed from the end of a partition
    /// leave no broken link between the rows that remain, only a head ahead of them. A head hash of "" is not compared.
    /// </summary>
    public VerificationReport Complete(IEnumerable<PartitionHead> heads)
    {
        ArgumentNullException.ThrowIfNull(heads);
        var lastPosition = LastPosition;
        foreach (var head in heads)
        {
            var chain = ChainOf(head.Partition);
            if (chain.Partition == 0 && chain.LastLegacy)
            {
                ReportMissing(chain.LastPosition + 1, head.Position, $"the log's head records position {head.Position} but the log ends at {chain.LastPosition}");
            }
            else if (head.Position > chain.LastPosition)
            {
                Report(head.Position, ViolationKinds.MissingEntry,
                    $"entry {head.Position} is missing: partition {head.Partition}'s head records it but the partition ends at {chain.LastPosition}");
            }
            else if (head.Position == chain.LastPosition && head.HeadHash.Length > 0 && head.Position > 0
                     && !Convert.FromHexString(head.HeadHash).AsSpan().SequenceEqual(chain.LastHash))
            {
                Report(head.Position, ViolationKinds.AlteredEntry, $"partition {head.Partition}'s head records another hash for its last entry {head.Position}");
            }
        }

        var departures = new List<(long From, string Reason)>();
        foreach (var chain in chains.Values.OrderBy(chain => chain.Partition))
        {
            if (chain.DepartedFrom is { } from)
            {
                if (chain.DepartedReason is not null)
                {
                    departures.Add((from, chain.DepartedReason));
                }
            }
            else if (chain.Marks.Count > 0 && chain.Marks[^1].Position > chain.LastPosition)
            {
                var mark = chain.Marks[^1];
                departures.Add((chain.LastPosition + 1,
                    $"{mark.Description} signed position {mark.Position}{chain.Named}, but {(chain.Partition == 0 && chain.LastLegacy ? "the log" : "the partition")} ends at {chain.LastPosition}: entries from {chain.LastPosition + 1} were cut"));
            }
        }

        if (departures.Count > 0)
        {
            // One report, where the earliest departure may begin: a checkpoint proves its heads, not each entry before them.
            var first = departures.MinBy(departure => departure.From);
            Report(first.From, ViolationKinds.CheckpointDeparted,
                departures.Count == 1 ? first.Reason : $"{first.Reason}; and {departures.Count - 1} other partition(s) no longer extend their signed heads");
        }

        foreach (var (producer, stated, source) in statedHeads)
        {
            var reached = producers.TryGetValue(producer, out var held) ? held.Highest : 0;
            if (stated > reached)
            {
                Report(lastPosition, ViolationKinds.ProducerHeadAhead,
                    $"producer '{producer}': {source} states sequence {stated.ToString(CultureInfo.InvariantCulture)} but the log reaches {reached.ToString(CultureInfo.InvariantCulture)}");
            }
        }

        foreach (var (producer, sequence) in producers.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            foreach (var gap in sequence.Gaps)
            {
                var numbers = gap.From == gap.To
                    ? gap.From.ToString(CultureInfo.InvariantCulture)
                    : $"{gap.From.ToString(CultureInfo.InvariantCulture)}–{gap.To.ToString(CultureInfo.InvariantCulture)}";
                Report(gap.SeenAt, ViolationKinds.SequenceGap, $"producer '{producer}': sequence number(s) {numbers} never reached the log");
            }
        }

        CheckAppealsAnswered();
        CheckLetters();
        foreach (var found in flagWorker?.Finish() ?? [])
        {
            Report(found.Position, found.Kind, found.Reason);
        }

        var ordered = violations.OrderBy(violation => violation.Position).ToList();
        if (truncated)
        {
            ordered.Add(new Violation(lastPosition, ViolationKinds.Truncated, $"more than {maxViolations} violations: the rest are not listed"));
        }

        return new VerificationReport(ordered.Count == 0, entries, ordered);
    }

    private void CheckChain(
        Chain chain, long position, long? previousPosition, ReadOnlySpan<byte> previousHash, ReadOnlySpan<byte> entryHash, ReadOnlySpan<byte> computedHash)
    {
        var lastPosition = chain.LastPosition;
        // A legacy entry (one chain, before partitions) follows position - 1; a partitioned one names the entry it follows.
        var expected = previousPosition ?? position - 1;
        if (previousPosition is null && position > lastPosition + 1)
        {
            ReportMissing(lastPosition + 1, position - 1, $"the log goes from {lastPosition} to {position}");
        }
        else if (previousPosition is { } previous && previous > lastPosition)
        {
            Report(previous, ViolationKinds.MissingEntry,
                $"entry {previous} is missing: entry {position} of partition {chain.Partition} follows it, but the partition goes from {lastPosition} to {position}");
        }

        if (!computedHash.SequenceEqual(entryHash))
        {
            Report(position, ViolationKinds.AlteredEntry, "the entry's content no longer matches its recorded SHA-256");
        }
        else if (expected == lastPosition && !previousHash.SequenceEqual(chain.LastHash))
        {
            // This entry is untouched but its link does not match: the entry before it was rewritten, hash included.
            Report(lastPosition, ViolationKinds.AlteredEntry, $"the entry was rewritten with a new hash: entry {position} links to a different one");
        }
        else if (expected < lastPosition)
        {
            Report(position, ViolationKinds.AlteredEntry,
                $"entry {position} of partition {chain.Partition} follows entry {expected}, but the partition's previous entry is {lastPosition}");
        }

        chain.LastHash = entryHash.ToArray();
        chain.LastPosition = position;
        chain.LastLegacy = previousPosition is null;
    }

    private void CheckSequence(long position, string producer, long producerSequence)
    {
        if (!producers.TryGetValue(producer, out var sequence))
        {
            sequence = new ProducerSequence();
            producers[producer] = sequence;
        }

        if (!sequence.Accept(producerSequence, position))
        {
            Report(position, ViolationKinds.DuplicateSequence,
                $"producer '{producer}' already used sequence number {producerSequence.ToString(CultureInfo.InvariantCulture)} for another event");
        }
    }

    private void CheckContent(long position, ContentType type, ReadOnlySpan<byte> body)
    {
        try
        {
            switch (type)
            {
                case ContentType.FlagRaised:
                    // Re-running a rule is the costliest check and depends on nothing else in the log: it runs beside the scan.
                    (flagWorker ??= new FlagWorker(reproduce)).Post(position, body);
                    break;
                case ContentType.SanctionDecided:
                    var decision = Read<SanctionDecided>(body);
                    // What preceded the decision in the log is what it can rely on: notification and observation are looked
                    // up now, not when the adjustment arrives.
                    decisions.TryAdd(decision.DecisionId, new RecordedDecision(
                        decision,
                        position,
                        notifications.GetValueOrDefault(decision.NotificationId),
                        firstObservations.TryGetValue(decision.FlagId, out var observed) ? observed : null,
                        WindowEvidenceFor(decision)));
                    break;
                case ContentType.NoticeReceived:
                    var receipt = Read<NoticeReceived>(body);
                    var window = receipt.AnswerBy - receipt.FirstReceivedAt;
                    receipts[receipt.NoticeId] = receipts.TryGetValue(receipt.NoticeId, out var known)
                        ? known with
                        {
                            FirstReceivedAt = receipt.ReceivedAt < known.FirstReceivedAt ? receipt.ReceivedAt : known.FirstReceivedAt,
                            Window = window > known.Window ? window : known.Window,
                        }
                        : new NoticeReceiptState(receipt.NoticeId, receipt.ReceivedAt, window);
                    break;
                case ContentType.HearingRequested:
                    hearingsRequested.Add(Read<HearingRequested>(body).ProposalId);
                    break;
                case ContentType.RecipientNotified:
                    var notification = Read<RecipientNotified>(body);
                    notifications.TryAdd(notification.NotificationId, notification);
                    break;
                case ContentType.ObservationReceived:
                    var observation = Read<ObservationReceived>(body);
                    if (!firstObservations.TryGetValue(observation.FlagId, out var first) || observation.ReceivedAt < first)
                    {
                        firstObservations[observation.FlagId] = observation.ReceivedAt;
                    }

                    if (observation.NothingToAdd)
                    {
                        (nothingToAdd.TryGetValue(observation.FlagId, out var said) ? said : nothingToAdd[observation.FlagId] = []).Add(observation.ReceivedAt);
                    }

                    break;
                case ContentType.HearingHeld:
                    // Being heard in person answers the flag as a written observation does (CASF L262-37): a decision
                    // taken before the deadline may rest on either.
                    var hearing = Read<HearingHeld>(body);
                    if (!firstObservations.TryGetValue(hearing.FlagId, out var earliest) || hearing.HeldAt < earliest)
                    {
                        firstObservations[hearing.FlagId] = hearing.HeldAt;
                    }

                    if (!hearingsHeld.TryGetValue(hearing.ProposalId, out var heldBefore) || hearing.HeldAt < heldBefore)
                    {
                        hearingsHeld[hearing.ProposalId] = hearing.HeldAt;
                    }

                    break;
                case ContentType.AllocationAdjusted:
                    CheckAdjustment(position, Read<AllocationAdjusted>(body));
                    break;
                case ContentType.SanctionProposed:
                    var proposed = Read<SanctionProposed>(body);
                    (proposers.TryGetValue(proposed.ProposalId, out var by) ? by : proposers[proposed.ProposalId] = []).Add(proposed.ProposedBy);
                    break;
                case ContentType.AppealFiled:
                    var filed = Read<AppealFiled>(body);
                    var dueOn = DateOnly.ParseExact(filed.FiledOn, "yyyy-MM-dd", CultureInfo.InvariantCulture).AddMonths(AppealMonths);
                    openAppeals.TryAdd(filed.AppealId, new OpenAppealState(filed.AppealId, filed.SanctionDecisionId, dueOn, position));
                    filedAppeals.Add(filed.AppealId);
                    break;
                case ContentType.AppealDecided:
                    CheckAppealDecision(position, Read<AppealDecided>(body));
                    break;
                case ContentType.AppealImplicitlyRejected:
                    var rejected = Read<AppealImplicitlyRejected>(body);
                    openAppeals.Remove(rejected.AppealId);
                    implicitlyRejectedAppeals.Add(rejected.AppealId);
                    break;
                case ContentType.SanctionRejected:
                    rejectedProposals.Add(Read<SanctionRejected>(body).ProposalId);
                    break;
                case ContentType.DecisionLetterIssued:
                    var letter = Read<DecisionLetterIssued>(body);
                    var pending = new PendingLetterState(letter.LetterId, letter.Kind, letter.DecisionId, letter.ProposalId, letter.AppealId, position);
                    if (!Names(pending))
                    {
                        pendingLetters.Add(pending);
                    }

                    break;
                case ContentType.AppealRepaid:
                    CheckAppealRepayment(position, Read<AppealRepaid>(body));
                    break;
                case ContentType.SuspensionEnded:
                    suspensionEndings.Add(Read<SuspensionEnded>(body).DecisionId);
                    break;
                default:
                    break;
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Whatever the body holds (nulls, wrong types, truncated JSON, huge numbers), verification names the entry
            // and goes on: the log is append-only, so a poisoned entry that stopped verification would stop it for good.
            Report(position, ViolationKinds.UnreadableEvent, $"the body cannot be checked as {type}: {exception.GetType().Name}: {exception.Message}");
        }
    }

    private static T Read<T>(ReadOnlySpan<byte> body) =>
        JsonSerializer.Deserialize<T>(body, EventTypes.Json) ?? throw new JsonException("The body is JSON null.");


    /// <summary>Two months to appeal, and two months of silence before an appeal is implicitly rejected (CASF L262-47, R262-88 and following).</summary>
    private const int AppealMonths = 2;

    /// <summary>
    /// An appeal decision rests on a sanction decision earlier in the log and is taken by a third person: neither the
    /// one who proposed the sanction (in its decision or any proposal of it) nor the one who approved it.
    /// </summary>
    private void CheckAppealDecision(long position, AppealDecided appeal)
    {
        appealDecisions.TryAdd(appeal.DecisionId, new AppealDecisionState(appeal, position));
        openAppeals.Remove(appeal.AppealId);
        if (!decisions.TryGetValue(appeal.SanctionDecisionId, out var found))
        {
            Report(position, ViolationKinds.AppealWithoutDecision,
                $"appeal decision {appeal.DecisionId}: no sanction decision {appeal.SanctionDecisionId} precedes it in the log");
            return;
        }

        var decision = found.Decision;
        var tookPart = proposers.GetValueOrDefault(decision.ProposalId, []).Append(decision.ProposedBy).Append(decision.ApprovedBy);
        if (string.IsNullOrWhiteSpace(appeal.DecidedBy) || tookPart.Contains(appeal.DecidedBy, StringComparer.Ordinal))
        {
            Report(position, ViolationKinds.AppealNotIndependent,
                $"appeal decision {appeal.DecisionId} was taken by a person who proposed or approved sanction decision {decision.DecisionId} (at {found.Position})");
        }
    }

    /// <summary>
    /// A repayment after an appeal applies, as decided, a reduced or annulled appeal decision earlier in the log whose
    /// signature verifies with the review service's key — as sanction adjustments are held to their decisions.
    /// </summary>
    private void CheckAppealRepayment(long position, AppealRepaid repaid)
    {
        if (!appealDecisions.TryGetValue(repaid.AppealDecisionId, out var found))
        {
            Report(position, ViolationKinds.RepaymentWithoutAppealDecision,
                $"no appeal decision {repaid.AppealDecisionId} precedes this repayment in the log");
            return;
        }

        var appeal = found.Decision;
        if (appeal.AppealId != repaid.AppealId || appeal.SanctionDecisionId != repaid.SanctionDecisionId || appeal.RecipientId != repaid.RecipientId
            || appeal.Outcome != repaid.Outcome || appeal.Percent != repaid.Percent || appeal.Months != repaid.Months
            || appeal.Outcome is not (AppealOutcome.Reduced or AppealOutcome.Annulled))
        {
            Report(position, ViolationKinds.RepaymentWithoutAppealDecision,
                $"the repayment does not apply appeal decision {appeal.DecisionId} (at {found.Position}) as decided ({appeal.Outcome})");
        }

        if (keys.Check(appeal) is { } signatureProblem)
        {
            Report(position, ViolationKinds.BadSignature, $"appeal decision {appeal.DecisionId} (at {found.Position}): {signatureProblem}");
        }
    }

    /// <summary>
    /// Every appeal whose two months ran out has an outcome or an implicit rejection in the log. « Now » is the log's
    /// latest instant (the latest occurred-at read), not the clock of whoever verifies, so the same log always gives the
    /// same answer; the review service records implicit rejections by a periodic sweep, so a day is allowed after the
    /// due date before an appeal counts as unanswered.
    /// </summary>
    private void CheckAppealsAnswered()
    {
        if (logTime is not { } now)
        {
            return;
        }

        var today = Platform.Rules.Calendar.WeekCalendar.TodayIn(now);
        foreach (var open in openAppeals.Values.Where(open => today > open.DueOn.AddDays(1)).OrderBy(open => open.Position))
        {
            Report(open.Position, ViolationKinds.AppealUnanswered,
                $"appeal {open.AppealId} against decision {open.SanctionDecisionId} was due an outcome by {open.DueOn:yyyy-MM-dd}, "
                + $"but by the log's latest instant ({now:O}) it has neither an outcome nor an implicit rejection");
        }
    }

    /// <summary>
    /// Every decision letter names a decision the log holds, by the id its kind calls for. The review service publishes a
    /// letter in its decision's transaction, at times just before the decision's own event: a letter whose decision had
    /// not been read yet is held, and reported at the end of the pass only if its decision never came.
    /// </summary>
    private void CheckLetters()
    {
        foreach (var letter in pendingLetters.Where(letter => !Names(letter)))
        {
            var named = letter.DecisionId ?? letter.AppealId ?? letter.ProposalId;
            Report(letter.Position, ViolationKinds.LetterWithoutDecision, LetterKinds.Contains(letter.Kind)
                ? $"letter {letter.LetterId} ({letter.Kind}) names {named?.ToString() ?? "no decision"}, which the log does not hold"
                : $"letter {letter.LetterId} is of an unknown kind '{letter.Kind}'");
        }
    }

    private static readonly HashSet<string> LetterKinds =
    [
        DecisionLetterKind.SanctionApproved, DecisionLetterKind.SanctionRejected, DecisionLetterKind.AppealAcknowledged,
        DecisionLetterKind.AppealDecided, DecisionLetterKind.AppealImplicitlyRejected, DecisionLetterKind.SuspensionEnded,
    ];

    /// <summary>Whether the log holds, so far, what <paramref name="letter"/> tells of.</summary>
    private bool Names(PendingLetterState letter) => letter.Kind switch
    {
        DecisionLetterKind.SanctionApproved =>
            letter.DecisionId is { } id && decisions.TryGetValue(id, out var found) && (letter.ProposalId is null || letter.ProposalId == found.Decision.ProposalId),
        DecisionLetterKind.SanctionRejected => letter.ProposalId is { } proposal && rejectedProposals.Contains(proposal),
        DecisionLetterKind.AppealAcknowledged => letter.AppealId is { } appeal && filedAppeals.Contains(appeal),
        DecisionLetterKind.AppealDecided =>
            letter.DecisionId is { } id && appealDecisions.TryGetValue(id, out var outcome) && (letter.AppealId is null || letter.AppealId == outcome.Decision.AppealId),
        DecisionLetterKind.AppealImplicitlyRejected => letter.AppealId is { } appeal && implicitlyRejectedAppeals.Contains(appeal),
        DecisionLetterKind.SuspensionEnded => letter.DecisionId is { } id && suspensionEndings.Contains(id),
        _ => false,
    };

    private void CheckAdjustment(long position, AllocationAdjusted adjustment)
    {
        if (!decisions.TryGetValue(adjustment.DecisionId, out var found))
        {
            Report(position, ViolationKinds.AdjustmentWithoutDecision, $"no sanction decision {adjustment.DecisionId} precedes this adjustment in the log");
            return;
        }

        var decision = found.Decision;
        if (decision.RecipientId != adjustment.RecipientId || decision.Percent != adjustment.Percent || decision.Months != adjustment.Months)
        {
            Report(position, ViolationKinds.AdjustmentWithoutDecision, $"the adjustment does not apply decision {decision.DecisionId} (at {found.Position}) as decided");
        }

        if (keys.Check(decision) is { } signatureProblem)
        {
            Report(position, ViolationKinds.BadSignature, $"decision {decision.DecisionId} (at {found.Position}): {signatureProblem}");
        }

        if (string.IsNullOrWhiteSpace(decision.ProposedBy) || string.Equals(decision.ProposedBy, decision.ApprovedBy, StringComparison.Ordinal))
        {
            Report(position, ViolationKinds.SelfApproval, $"decision {decision.DecisionId} (at {found.Position}) was proposed and approved by the same person");
        }

        if (found.Notification is not { } notification || notification.ProposalId != decision.ProposalId)
        {
            Report(position, ViolationKinds.NoNotification, $"decision {decision.DecisionId} (at {found.Position}): no notification of the recipient about proposal {decision.ProposalId} precedes it");
            return;
        }

        if (decision.WindowClosedBy is not null)
        {
            CheckWindowClaim(position, found);
            return;
        }

        // A decision from before the window claims: an observation or a hearing answered the flag, or the deadline
        // passed — counted from the first proof of receipt when the log holds one, else from the notification.
        var deadline = found.Window?.Receipt?.Deadline ?? notification.AnswerBy;
        var heard = found.FirstObservation is { } observed && observed <= decision.DecidedAt;
        if (decision.DecidedAt < deadline && !heard)
        {
            Report(position, ViolationKinds.WindowNotRespected,
                $"decision {decision.DecisionId} (at {found.Position}) was taken at {decision.DecidedAt:O}, before the answer deadline {deadline:O}, and neither an observation nor a hearing had been received");
        }
    }

    /// <summary>
    /// Holds a decision's <c>windowClosedBy</c> claim to the events recorded before it (CASF L262-37, décret n° 2025-478):
    /// the window runs from the notice's first proof of receipt, never from its sending; a requested hearing not held
    /// keeps it open; « deadline » needs the deadline counted from that receipt to have passed, « nothing to add » the
    /// person to have said so since the notification, « hearing » the hearing to have been held — each by the decision.
    /// </summary>
    private void CheckWindowClaim(long position, RecordedDecision found)
    {
        var decision = found.Decision;
        var evidence = found.Window ?? new WindowEvidence(null, null, false, null);
        var named = $"decision {decision.DecisionId} (at {found.Position}), window closed by '{decision.WindowClosedBy}'";
        if (evidence.Receipt is not { } receipt || receipt.FirstReceivedAt > decision.DecidedAt)
        {
            Report(position, ViolationKinds.NoticeNotReceived,
                $"{named}: no proof of receipt of notice {decision.NotificationId} precedes it, so the answer window never began");
            return;
        }

        // Instants read back from a database keep microseconds, those in events ticks: a millisecond is the tolerance.
        if (decision.ReceivedAt is { } claimed && (claimed - receipt.FirstReceivedAt).Duration() >= Tolerance)
        {
            Report(position, ViolationKinds.WindowClaimUnsupported,
                $"{named}: it says the notice was received at {claimed:O}, but the first proof of receipt in the log is at {receipt.FirstReceivedAt:O}");
        }

        if (evidence.HearingRequested && decision.WindowClosedBy != Platform.Contracts.Review.WindowClosure.Hearing)
        {
            Report(position, ViolationKinds.WindowClaimUnsupported, $"{named}: the recipient asked to be heard, and only the hearing closes the window then");
            return;
        }

        var reason = decision.WindowClosedBy switch
        {
            Platform.Contracts.Review.WindowClosure.Deadline when decision.DecidedAt + Tolerance < receipt.Deadline =>
                $"taken at {decision.DecidedAt:O}, before the deadline {receipt.Deadline:O} counted from the first proof of receipt ({receipt.FirstReceivedAt:O})",
            Platform.Contracts.Review.WindowClosure.Deadline => null,
            Platform.Contracts.Review.WindowClosure.NothingToAdd when evidence.NothingToAddAt is not { } said || said > decision.DecidedAt =>
                "the recipient never said, since the notification and before the decision, that they had nothing to add",
            Platform.Contracts.Review.WindowClosure.NothingToAdd => null,
            Platform.Contracts.Review.WindowClosure.Hearing when evidence.HearingHeldAt is not { } held || held > decision.DecidedAt =>
                "no hearing on this proposal was held before the decision",
            Platform.Contracts.Review.WindowClosure.Hearing => null,
            _ => "this is not a way an answer window closes",
        };
        if (reason is not null)
        {
            Report(position, ViolationKinds.WindowClaimUnsupported, $"{named}: {reason}");
        }
    }

    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(1);

    /// <summary>What the log holds now about how <paramref name="decision"/>'s answer window could have closed.</summary>
    private WindowEvidence WindowEvidenceFor(SanctionDecided decision) => new(
        receipts.GetValueOrDefault(decision.NotificationId),
        nothingToAdd.TryGetValue(decision.FlagId, out var said) && said.Where(at => at >= decision.NotifiedAt).ToList() is { Count: > 0 } since ? since.Min() : null,
        hearingsRequested.Contains(decision.ProposalId),
        hearingsHeld.TryGetValue(decision.ProposalId, out var held) ? held : null);

    /// <summary>One violation per missing position, so each is reported exactly; a huge hole as one.</summary>
    private void ReportMissing(long from, long to, string context)
    {
        if (to - from >= 100)
        {
            Report(from, ViolationKinds.MissingEntry, $"entries {from} to {to} are missing: {context}");
            return;
        }

        for (var missing = from; missing <= to; missing++)
        {
            Report(missing, ViolationKinds.MissingEntry, $"entry {missing} is missing: {context}");
        }
    }

    private void Report(long position, string kind, string reason)
    {
        lock (gate)
        {
            if (violations.Count >= maxViolations)
            {
                truncated = true;
                return;
            }

            violations.Add(new Violation(position, kind, reason));
        }
    }

    /// <summary>
    /// One producer's sequence: the next number expected and the ranges not seen yet. Events may reach the log a little
    /// out of order (concurrent consumers), so a hole is only a gap if it is still open at the end.
    /// </summary>
    private sealed class ProducerSequence
    {
        private readonly List<Gap> gaps = [];
        private long next = 1;

        public IEnumerable<Gap> Gaps => gaps;

        public ProducerState State() => new(next, gaps.Select(gap => new GapState(gap.From, gap.To, gap.SeenAt)).ToList());

        public static ProducerSequence From(ProducerState state)
        {
            var sequence = new ProducerSequence { next = state.Next };
            sequence.gaps.AddRange(state.Gaps.Select(gap => new Gap(gap.From, gap.To, gap.SeenAt)));
            return sequence;
        }

        /// <summary>The highest sequence number seen (0 before any).</summary>
        public long Highest => next - 1;

        /// <summary>False when <paramref name="number"/> was already seen.</summary>
        public bool Accept(long number, long position)
        {
            if (number == next)
            {
                next++;
                return true;
            }

            if (number > next)
            {
                gaps.Add(new Gap(next, number - 1, position));
                next = number + 1;
                return true;
            }

            // Gaps are kept in increasing order (each opens beyond the last): a binary search finds the one holding the number.
            int low = 0, high = gaps.Count - 1, index = -1;
            while (low <= high)
            {
                var middle = (low + high) >>> 1;
                if (gaps[middle].To < number)
                {
                    low = middle + 1;
                }
                else if (gaps[middle].From > number)
                {
                    high = middle - 1;
                }
                else
                {
                    index = middle;
                    break;
                }
            }

            if (index < 0)
            {
                return false;
            }

            var hole = gaps[index];
            gaps.RemoveAt(index);
            if (hole.From < number)
            {
                // What is still missing below the number is now followed by this entry.
                gaps.Insert(index, hole with { To = number - 1, SeenAt = position });
                index++;
            }

            if (number < hole.To)
            {
                gaps.Insert(index, hole with { From = number + 1 });
            }

            return true;
        }
    }

    public void Dispose() => flagWorker?.Dispose();

    /// <summary>
    /// Re-runs flags on a thread of its own, fed through a bounded queue (memory stays flat: at most a few thousand
    /// bodies wait), so a multi-core machine re-runs rules while the scan goes on.
    /// </summary>
    private sealed class FlagWorker : IDisposable
    {
        private readonly BlockingCollection<(long Position, byte[] Body, int Length)> queue = new(boundedCapacity: 4_096);
        private readonly List<Violation> found = [];
        private readonly FlagReproduction reproduce;
        private readonly Task worker;

        public FlagWorker(FlagReproduction reproduce)
        {
            this.reproduce = reproduce;
            worker = Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        public void Post(long position, ReadOnlySpan<byte> body)
        {
            var copy = ArrayPool<byte>.Shared.Rent(body.Length);
            body.CopyTo(copy);
            queue.Add((position, copy, body.Length));
        }

        /// <summary>Waits for the flags posted so far and returns what they showed.</summary>
        public List<Violation> Finish()
        {
            queue.CompleteAdding();
            worker.GetAwaiter().GetResult();
            return found;
        }

        public void Dispose()
        {
            if (!queue.IsAddingCompleted)
            {
                queue.CompleteAdding();
            }

            worker.GetAwaiter().GetResult();
            queue.Dispose();
        }

        private void Run()
        {
            foreach (var (position, body, length) in queue.GetConsumingEnumerable())
            {
                try
                {
                    Check(position, body.AsSpan(0, length));
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(body);
                }
            }
        }

        private void Check(long position, ReadOnlySpan<byte> body)
        {
            RecordedFlag flag;
            bool raised;
            try
            {
                flag = Read<RecordedFlag>(body);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                found.Add(new Violation(position, ViolationKinds.UnreadableEvent, $"the body cannot be read as FlagRaised: {exception.Message}"));
                return;
            }

            try
            {
                raised = reproduce(flag);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                found.Add(new Violation(position, ViolationKinds.FlagNotReproducible, $"rule {flag.RuleId} v{flag.RuleVersion} cannot be re-run on the recorded facts: {exception.Message}"));
                return;
            }

            if (!raised)
            {
                found.Add(new Violation(position, ViolationKinds.FlagNotReproducible, $"rule {flag.RuleId} v{flag.RuleVersion} re-run on the recorded facts and parameters does not raise this flag"));
            }
        }
    }

    private sealed record RecordedDecision(
        SanctionDecided Decision, long Position, RecipientNotified? Notification, DateTimeOffset? FirstObservation, WindowEvidence? Window);

    private sealed record Gap(long From, long To, long SeenAt);

    private sealed record ChainMark(long Position, byte[] HeadHash, string Description);

    /// <summary>One partition's chain as the pass has followed it so far, and the checkpoint heads it is held to.</summary>
    private sealed class Chain(int partition)
    {
        public int Partition => partition;

        public long LastPosition { get; set; }

        public byte[] LastHash { get; set; } = EntryHash.Genesis;

        /// <summary>True while the last entry seen is a legacy one (one chain, positions without holes).</summary>
        public bool LastLegacy { get; set; } = true;

        public List<ChainMark> Marks { get; } = [];

        public int NextMark { get; set; }

        public long LastMatched { get; set; }

        public long? DepartedFrom { get; set; }

        public string? DepartedReason { get; set; }

        /// <summary>" in partition n" for a partition of a partitioned log; nothing for the legacy chain alone.</summary>
        public string Named => partition == 0 && LastLegacy ? "" : $" in partition {partition}";

        public void SkipMarksUpTo(long position)
        {
            while (NextMark < Marks.Count && Marks[NextMark].Position <= position)
            {
                NextMark++;
            }
        }
    }
}
