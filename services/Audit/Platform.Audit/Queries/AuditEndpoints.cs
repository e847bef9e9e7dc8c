using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Audit.Checkpoints;
using Platform.Audit.Log;
using Platform.Audit.Verification;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.RateLimiting;

namespace Platform.Audit.Queries;

public static class AuditEndpoints
{
    public const int DefaultPageSize = 100;

    public const int MaxPageSize = 1_000;

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/audit").WithTags("Audit")
            .RequireAuthorization(Policies.Auditor);
        group.MapGet("/events", Events)
            .WithName("ListAuditEvents")
            .WithSummary("Page through the audit log")
            .WithDescription($"""
                The log's entries in log order, filtered by `recipient`, occurred-at (`from` inclusive, `to` exclusive, RFC 3339)
                and event `type`, at most `limit` per page (1 to {MaxPageSize}, {DefaultPageSize} by default); pass a page's
                `next` as `cursor` for the following page. Auditors only; each read is itself recorded in the access log.
                Changes nothing else.
                """);
        group.MapGet("/verification", Verification).RequireRateLimiting(RateLimits.Costly)
            .WithName("VerifyAuditLog")
            .WithSummary("Verify the whole audit log")
            .WithDescription("""
                Checks each partition's hash chain entry by entry (partitions in parallel), that no producer's sequence has a gap, that every sanction decision
                carries a valid signature of the review service, and that every flag is what the rule catalogue computes
                from the declarations logged before it. Answers whether the log is intact and each violation found.
                The whole log is verified in the background (`Audit:Verification:Interval`); the answer is the last completed
                run (`lastRun`: its position and time) carried on over what was appended since (`checkedAfter`: the position
                from which this request checked), so a request's work is bounded by the new entries. When there is no run
                yet, when the log no longer extends the run's position (a tail cut, a rewrite re-hashed up to the head), or
                with `full=true`, the whole log is checked now (`full: true`). A run going on is shown in `running`.
                Auditors only; the read is recorded in the access log.
                """);
        group.MapGet("/checkpoints", Checkpoints)
            .WithName("ListAuditCheckpoints")
            .WithSummary("The latest signed checkpoints of the audit log")
            .WithDescription($"""
                The latest `limit` checkpoints (1 to {MaxPageSize}, {DefaultPageSize} by default), oldest first, each signing the
                head of every partition of the log at a point (`partitions`: each one's number, position and head hash; the
                signed `headHash` is the hash of that list), with the id and public key (PEM) of the key that signed them: an auditor keeps them
                outside the platform and later checks that the log still extends them. Auditors only; the read is recorded
                in the access log. Changes nothing else.
                """);
        group.MapGet("/replay", Replay)
            .WithName("ReplayRecipient")
            .WithSummary("Rebuild a recipient's case from the log as it stood at an instant")
            .WithDescription("""
                From the log alone: the recipient's declarations, engagements, flags, review cases, allocation and prior appeals
                (filed, late or not, outcome, implicit rejection, repayment, with their dates) as they stood at `at` (RFC 3339).
                Auditors only; the read is recorded in the access log.
                """);
        group.MapGet("/appeals/statistics", AppealFigures).RequireRateLimiting(RateLimits.Costly)
            .WithName("GetAppealStatistics")
            .WithSummary("Appeal figures per rule and month")
            .WithDescription("""
                From the log alone, per rule and month of the sanction decision (Paris time): sanctions decided, how many were
                appealed, and of those how many were confirmed, reduced, annulled, implicitly rejected (two months without an
                outcome, not decided since) or are still pending, with the share annulled out of the appeals a person decided —
                so a rule whose decisions are often annulled on appeal stands out. Counts only, no personal data. Auditors only;
                the read is recorded in the access log. Changes nothing else.
                """);
        return endpoints;
    }

    /// <summary>The log by recipient, time (occurred-at, <c>from</c> inclusive, <c>to</c> exclusive) and type, in log order, keyset-paged.</summary>
    private static async Task<Results<Ok<EventPage>, ProblemHttpResult>> Events(
        string? recipient,
        string? from,
        string? to,
        string? type,
        string? cursor,
        int? limit,
        HttpContext http,
        NpgsqlDataSource dataSource,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var fromInstant = ParseInstant(from, "from", errors);
        var toInstant = ParseInstant(to, "to", errors);
        long after = 0;
        if (cursor is not null && (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after) || after < 0))
        {
            errors["cursor"] = [Localized.Text("Le curseur n'est pas valide : reprenez le « next » d'une page.", "The cursor is not valid: use a page's \"next\".")];
        }

        var pageSize = limit ?? DefaultPageSize;
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["limit"] = [Localized.Text($"La taille de page va de 1 à {MaxPageSize}.", $"The page size goes from 1 to {MaxPageSize}.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (recipient is null && AuditorDepartements.RefuseLogWide(http.User) is { } logWide)
        {
            return logWide;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (recipient is not null && await AuditorDepartements.RefuseRecipientAsync(connection, http.User, recipient) is { } notTheirs)
        {
            return notTheirs;
        }

        await AccessLog.RecordAsync(connection, time.GetUtcNow(), http.User.SubjectId(), "events", recipient, new { recipient, from, to, type, cursor, limit = pageSize });
        var rows = (await connection.QueryAsync<LogEntry>(
            $"""
            SELECT {LogReader.Columns}
            FROM audit_log
            WHERE position > @after
              AND (@recipient::text IS NULL OR recipient_id = @recipient)
              AND (@from::timestamptz IS NULL OR occurred_at >= @from)
              AND (@to::timestamptz IS NULL OR occurred_at < @to)
              AND (@type::text IS NULL OR message_type = @type OR right(message_type, length(@type) + 1) = ':' || @type)
            ORDER BY position
            LIMIT @pageSize
            """,
            new { after, recipient, from = fromInstant, to = toInstant, type, pageSize })).ToList();
        var next = rows.Count == pageSize ? rows[^1].Position.ToString(CultureInfo.InvariantCulture) : null;
        return TypedResults.Ok(new EventPage(rows.Select(ToView).ToList(), next));
    }

    /// <summary>
    /// The last background run (see <see cref="VerificationRunner"/>) carried on over the entries appended since, in one
    /// snapshot, held to the signed checkpoints and the producers' stated heads: the same report a whole pass would give,
    /// except that an entry rewritten before the run's position without moving the head is found by the next run.
    /// Whatever the log holds, the answer is a report (200); only a failure to run (the database away) is a 500.
    /// </summary>
    private static async Task<Results<Ok<VerificationAnswer>, ProblemHttpResult>> Verification(
        bool? full,
        HttpContext http,
        NpgsqlDataSource dataSource,
        DecisionKeys keys,
        PublisherPolicy publishers,
        VerificationSources sources,
        FlagReproduction reproduce,
        VerificationRunner runner,
        IOptions<VerificationOptions> verification,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (AuditorDepartements.RefuseLogWide(http.User) is { } logWide)
        {
            return logWide;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AccessLog.RecordAsync(connection, time.GetUtcNow(), http.User.SubjectId(), "verification", null, new { full = full == true });
        // One snapshot for the head, the run and the rows, so appends during the pass are not mistaken for a truncated log.
        await using var snapshot = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        var heads = await RawLogScanner.HeadsAsync(connection, snapshot, cancellationToken);
        var run = await VerificationRuns.LastCompletedAsync(connection, snapshot);
        var state = full != true ? run?.ReadState() : null;
        var resume = state is not null && await VerificationRuns.ExtendsAsync(connection, snapshot, state, heads);
        using var verifier = new LogVerifier(keys, reproduce, publishers: publishers);
        await sources.ApplyAsync(verifier, connection, snapshot);
        long after = 0;
        var afterByPartition = new Dictionary<int, long>();
        if (resume)
        {
            verifier.Resume(state!);
            after = run!.Position;
            // Every partition of the heads, from where the run stopped in it (from its start for one the run did not see).
            var reached = VerificationRuns.Reached(state!).ToDictionary(p => p.Partition, p => p.LastPosition);
            afterByPartition = heads.Select(h => h.Partition).Union(reached.Keys).ToDictionary(p => p, p => reached.GetValueOrDefault(p));
        }

        // Each partition from where the run stopped in it: a position of one partition says nothing of another's.
        await RawLogScanner.ScanPartitionsAsync(connection, afterByPartition, verifier, verification.Value.Parallelism, null, cancellationToken);
        var running = await VerificationRuns.RunningAsync(connection, snapshot, runner.EntriesDone);
        await snapshot.CommitAsync(cancellationToken);
        var report = verifier.Complete(heads);
        return TypedResults.Ok(new VerificationAnswer(report.Intact, report.Entries, report.Violations, run?.View(), after, !resume, running));
    }

    /// <summary>
    /// The verification report (<c>intact</c>, <c>entries</c>, <c>violations</c>), with what it rests on: the last completed
    /// background run, the position after which this request checked the log itself, whether it checked all of it, and a
    /// run going on.
    /// </summary>
    public sealed record VerificationAnswer(
        bool Intact,
        long Entries,
        IReadOnlyList<Violation> Violations,
        VerificationRunView? LastRun,
        long CheckedAfter,
        bool Full,
        VerificationProgressView? Running);

    /// <summary>
    /// The latest signed checkpoints (oldest first), with the key that signed them: an auditor keeps them outside the
    /// platform and later checks that the log still extends them (<c>platform-audit verify --checkpoint</c>).
    /// </summary>
    private static async Task<Results<Ok<CheckpointPage>, ProblemHttpResult>> Checkpoints(
        int? limit,
        HttpContext http,
        NpgsqlDataSource dataSource,
        CheckpointKey key,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var count = limit ?? DefaultPageSize;
        if (count is < 1 or > MaxPageSize)
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["limit"] = [Localized.Text($"Le nombre de points de contrôle va de 1 à {MaxPageSize}.", $"The number of checkpoints goes from 1 to {MaxPageSize}.")],
            });
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AccessLog.RecordAsync(connection, time.GetUtcNow(), http.User.SubjectId(), "checkpoints", null, new { limit = count });
        var checkpoints = await VerificationSources.CheckpointsAsync(connection, null, count);
        return TypedResults.Ok(new CheckpointPage(key.KeyId, key.PublicKeyPem, checkpoints));
    }

    /// <summary>The checkpoints, each with the partition heads it signed (<c>partitions</c>; null for one of the log before partitions).</summary>
    public sealed record CheckpointPage(string KeyId, string PublicKey, IReadOnlyList<KeptCheckpoint> Checkpoints);

    /// <summary>A recipient's case and allocation rebuilt from the log alone as they stood at <c>at</c>.</summary>
    private static async Task<Results<Ok<ReplayView>, ProblemHttpResult>> Replay(
        string? at,
        string? recipient,
        HttpContext http,
        NpgsqlDataSource dataSource,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var instant = ParseInstant(at, "at", errors);
        if (instant is null && !errors.ContainsKey("at"))
        {
            errors["at"] = [Localized.Text("Indiquez l'instant à rejouer (RFC 3339, UTC).", "Give the instant to replay (RFC 3339, UTC).")];
        }

        if (string.IsNullOrWhiteSpace(recipient))
        {
            errors["recipient"] = [Localized.Text("Indiquez l'allocataire.", "Give the recipient.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await AuditorDepartements.RefuseRecipientAsync(connection, http.User, recipient!) is { } notTheirs)
        {
            return notTheirs;
        }

        await AccessLog.RecordAsync(connection, time.GetUtcNow(), http.User.SubjectId(), "replay", recipient, new { recipient, at });
        var replay = new RecipientReplay(recipient!, instant!.Value);
        await foreach (var entry in LogReader.ReadRecipientAsync(connection, recipient!, instant.Value, cancellationToken))
        {
            replay.Add(entry);
        }

        return TypedResults.Ok(replay.Result());
    }

    /// <summary>The appeal figures per rule and month, drawn from the sanction decisions and appeal events of the log.</summary>
    private static async Task<Ok<AppealStatisticsView>> AppealFigures(
        HttpContext http, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await AccessLog.RecordAsync(connection, time.GetUtcNow(), http.User.SubjectId(), "appeal-statistics", null, new { });
        var statistics = new AppealStatistics();
        await foreach (var entry in LogReader.ReadTypesAsync(connection, AppealStatistics.Types, cancellationToken))
        {
            statistics.Add(entry);
        }

        return TypedResults.Ok(statistics.Result());
    }

    internal static DateTimeOffset? ParseInstant(string? value, string field, Dictionary<string, string[]> errors)
    {
        if (value is null)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            return instant.ToUniversalTime();
        }

        errors[field] = [Localized.Text("Instant invalide : attendu RFC 3339, par exemple 2026-11-26T09:00:00Z.", "Invalid instant: expected RFC 3339, e.g. 2026-11-26T09:00:00Z.")];
        return null;
    }

    public sealed record EventPage(IReadOnlyList<EventView> Events, string? Next);

    public sealed record EventView(
        long Position,
        Guid MessageId,
        string MessageType,
        string Type,
        string Producer,
        long ProducerSequence,
        DateTimeOffset OccurredAt,
        DateTimeOffset ReceivedAt,
        string RecipientId,
        string PreviousHash,
        string EntryHash,
        JsonElement Body,
        string? Publisher);

    /// <summary>An entry as an auditor reads it: hashes in hex, the body as the JSON it was received as.</summary>
    private static EventView ToView(LogEntry entry) =>
        new(
            entry.Position, entry.MessageId, entry.MessageType, EventTypes.ShortName(entry.MessageType), entry.Producer,
            entry.ProducerSequence, entry.OccurredAt, entry.ReceivedAt, entry.RecipientId,
            Convert.ToHexStringLower(entry.PreviousHash), Convert.ToHexStringLower(entry.EntryHash), Body(entry.Body), entry.Publisher);

    /// <summary>The body as the JSON it was received as; a body that is not JSON, as base64 text (the log keeps anything it received).</summary>
    private static JsonElement Body(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Convert.ToBase64String(body));
        }
    }
}
