using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Declarations;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Declarations.Weeks;

public static class DeclarationEndpoints
{
    /// <summary>The widest range one list request may cover: two years of weeks.</summary>
    public const int MaxWeeksPerList = 104;

    public static IEndpointRouteBuilder MapDeclarationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/declarations").WithTags("Declarations");
        group.MapPut("/{week}", Submit).RequireAuthorization(Policies.Recipient)
            .WithName("SubmitDeclaration")
            .WithSummary("Declare or amend a week's activities")
            .WithDescription("""
                The recipient declares what they did in an ISO week: each activity's category, day, hours and an optional note.
                The first declaration of a week answers 201 (version 1); a different content answers 200 with the next
                version; sending the version in force again answers 200 with it and creates nothing, so a retry is safe.
                After the deadline (the Monday after the week, midnight in Paris) it is accepted and marked late. Only the
                recipient themself may declare (`sub` = recipientId). With `If-Match`, a stale version is refused (412).
                Publishes `DeclarationSubmitted` (each new version), which the rules service evaluates.
                """)
            .WithRequestExample("""{"activities":[{"category":"job-search","date":"2026-11-23","hours":5,"note":"3 candidatures"}]}""")
            .AcceptsIfMatch()
            .ReturnsETag();
        group.MapGet("/{week}", GetOne).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("GetDeclaration")
            .WithSummary("Read a week's declaration with every version")
            .WithDescription("""
                The version in force, its deadline and every earlier version, oldest first. A recipient reads their own weeks;
                a counsellor reads any recipient's. Changes nothing.
                """)
            .ProducesNotFound("Nothing was declared for this week.")
            .ReturnsETag();
        group.MapGet("", List).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("ListDeclarations")
            .WithSummary("List a range of weeks, each with its latest version")
            .WithDescription($"""
                The weeks from `from` to `to` inclusive (ISO weeks such as 2026-W48; by default the twelve weeks up to next week,
                at most {MaxWeeksPerList}), each week that has a declaration with its latest version. A recipient lists their
                own weeks; a counsellor any recipient's. Changes nothing; a malformed week or range answers 422.
                """);
        return endpoints;
    }

    /// <summary>
    /// Submits (201, version 1) or amends (200, next version) a week. Re-sending the version in force answers 200
    /// with it and creates nothing, so retries are safe. After the deadline the declaration is accepted and marked late.
    /// </summary>
    private static async Task<Results<Created<DeclarationVersion>, Ok<DeclarationVersion>, ProblemHttpResult>> Submit(
        string recipientId,
        string week,
        DeclarationRequest request,
        HttpContext http,
        IValidator<DeclarationSubmission> validator,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!http.User.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        var validation = await validator.ValidateAsync(new DeclarationSubmission(week, request.Activities), cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        var activities = Canonical(request.Activities!);
        var contentHash = Hash(activities);

        await using var work = await database.BeginAsync(cancellationToken);
        // One writer per recipient and week at a time, so versions are numbered without gaps or races; the lock and
        // the read of the version in force go in one round trip.
        StoredVersion? current;
        await using (var results = await work.Connection.QueryMultipleAsync(
            $"""
            SELECT pg_advisory_xact_lock(hashtextextended('declaration:' || @recipientId || ':' || @week, 0));
            {StoredVersion.Select} WHERE recipient_id = @recipientId AND week = @week ORDER BY version DESC LIMIT 1;
            """,
            new { recipientId, week },
            work.Transaction))
        {
            await results.ReadAsync();
            current = await results.ReadSingleOrDefaultAsync<StoredVersion>();
        }

        if (http.Request.Headers.IfMatch is { Count: > 0 } ifMatch && !Matches(ifMatch.ToString(), current))
        {
            return Problems.PreconditionFailed();
        }

        if (current is not null && current.ContentHash == contentHash)
        {
            http.Response.Headers.ETag = ETagOf(current.Version);
            return TypedResults.Ok(current.ToView());
        }

        var submittedAt = time.GetUtcNow();
        var saved = new StoredVersion(
            recipientId,
            week,
            (current?.Version ?? 0) + 1,
            JsonSerializer.Serialize(activities, StoredVersion.Json),
            activities.Sum(activity => activity.Hours),
            WeekCalendar.IsLate(IsoWeek.Parse(week), submittedAt),
            submittedAt,
            contentHash);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO declaration_versions (recipient_id, week, version, activities, total_hours, late, submitted_at, content_hash)
            VALUES (@RecipientId, @Week, @Version, @Activities::jsonb, @TotalHours, @Late, @SubmittedAt, @ContentHash)
            """,
            saved,
            work.Transaction);
        // Other services (and the counsellors who read them) get health-revealing activities masked unless shared.
        work.Publish(new DeclarationSubmitted(
            recipientId, week, saved.Version, [.. activities.Select(activity => activity.AsSeenByOthers())], saved.TotalHours, saved.Late, submittedAt)
        {
            OccurredAt = submittedAt,
        });
        await work.CommitAsync(cancellationToken);

        http.Response.Headers.ETag = ETagOf(saved.Version);
        return saved.Version == 1
            ? TypedResults.Created($"/api/recipients/{Uri.EscapeDataString(recipientId)}/declarations/{week}", saved.ToView())
            : TypedResults.Ok(saved.ToView());
    }

    private static async Task<Results<Ok<DeclarationWithVersions>, ProblemHttpResult>> GetOne(
        string recipientId, string week, HttpContext http, ServiceDatabase database, CancellationToken cancellationToken)
    {
        if (!http.User.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var versions = (await connection.QueryAsync<StoredVersion>(
            $"{StoredVersion.Select} WHERE recipient_id = @recipientId AND week = @week ORDER BY version",
            new { recipientId, week })).Select(version => version.ToView(AsSeenBy(http, recipientId))).ToList();
        if (versions.Count == 0)
        {
            return Problems.NotFound(
                $"Aucune déclaration pour la semaine {week}.", $"No declaration for week {week}.");
        }

        var latest = versions[^1];
        http.Response.Headers.ETag = ETagOf(latest.Version);
        return TypedResults.Ok(new DeclarationWithVersions(
            latest.RecipientId, latest.Week, latest.Version, latest.Late, latest.TotalHours, latest.Activities, latest.SubmittedAt,
            WeekCalendar.DeadlineOf(IsoWeek.Parse(week)), versions));
    }

    /// <summary>Weeks from <paramref name="from"/> to <paramref name="to"/> (at most 104), each with its latest version.</summary>
    private static async Task<Results<Ok<DeclarationList>, ProblemHttpResult>> List(
        string recipientId, string? from, string? to, HttpContext http, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!http.User.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        var errors = new Dictionary<string, string[]>();
        var thisWeek = WeekCalendar.WeekOf(time.GetUtcNow());
        var last = ParseWeekParameter(to, thisWeek.Next, "to", errors);
        // Twelve weeks back by default, but never before the first week there is (0001-W01), which would overflow.
        var first = ParseWeekParameter(from, last.Monday.DayNumber >= 77 ? last.AddWeeks(-11) : IsoWeek.Of(DateOnly.MinValue), "from", errors);
        if (errors.Count == 0 && (first > last || first.WeeksUntil(last) >= MaxWeeksPerList))
        {
            errors["from"] = [Localized.Text(
                $"L'intervalle va de « from » à « to » inclus et couvre au plus {MaxWeeksPerList} semaines.",
                $"The range runs from 'from' to 'to' inclusive and covers at most {MaxWeeksPerList} weeks.")];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var weeks = Enumerable.Range(0, first.WeeksUntil(last) + 1).Select(offset => first.AddWeeks(offset).ToString()).ToArray();
        var latest = (await connection.QueryAsync<StoredVersion>(
            $"""
            SELECT DISTINCT ON (week) * FROM ({StoredVersion.Select} WHERE recipient_id = @recipientId AND week = ANY(@weeks)) AS v
            ORDER BY week, version DESC
            """,
            new { recipientId, weeks })).Select(version => version.ToView(AsSeenBy(http, recipientId))).ToList();
        return TypedResults.Ok(new DeclarationList(recipientId, first.ToString(), last.ToString(), latest));
    }

    private static IsoWeek ParseWeekParameter(string? text, IsoWeek fallback, string name, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (IsoWeek.TryParse(text, out var week))
        {
            return week;
        }

        errors[name] = [Localized.Text(
            $"« {text} » n'est pas une semaine : écrivez AAAA-Www, par exemple 2026-W48.",
            $"'{text}' is not a week: write YYYY-Www, e.g. 2026-W48.")];
        return fallback;
    }

    /// <summary>The person sees their own activities as declared; anyone else sees health-revealing ones masked unless shared.</summary>
    private static bool AsSeenBy(HttpContext http, string recipientId) => !http.User.IsRecipient(recipientId);

    /// <summary>The activities in a fixed order, so the same declaration always has the same bytes and hash.</summary>
    private static List<DeclaredActivity> Canonical(IEnumerable<ActivityRequest> activities) =>
        activities
            .Select(activity => new DeclaredActivity(
                activity.Category!,
                DeclarationSubmissionValidator.ParseDate(activity.Date)!.Value,
                activity.Hours!.Value,
                string.IsNullOrWhiteSpace(activity.Note) ? null : activity.Note.Trim(),
                ActivityCategories.RevealingHealth.Contains(activity.Category!) ? activity.ShareWithCounsellor ?? false : null))
            .OrderBy(activity => activity.Date)
            .ThenBy(activity => activity.Category, StringComparer.Ordinal)
            .ToList();

    private static string Hash(List<DeclaredActivity> activities) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(activities, StoredVersion.Json))));

    private static string ETagOf(int version) => $"\"v{version}\"";

    private static bool Matches(string ifMatch, StoredVersion? current) =>
        current is not null
        && ifMatch.Split(',', StringSplitOptions.TrimEntries).Any(tag => tag == "*" || tag == ETagOf(current.Version));
}
