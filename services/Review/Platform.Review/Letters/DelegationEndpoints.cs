using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;
using Platform.ServiceDefaults.Validation;

namespace Platform.Review.Letters;

/// <summary>
/// The delegations of signature of each département's président, as data: a supervisor working for that département
/// records one when the arrêté is signed (never their own), and reads them. Only ever appended; a delegation ends by its end date.
/// </summary>
public static class DelegationEndpoints
{
    public static IEndpointRouteBuilder MapDelegationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/review/delegations").WithTags("Delegations").RequireAuthorization(Policies.Supervisor);
        group.MapGet("", List)
            .WithName("ListDelegations")
            .WithSummary("The président's delegations of signature")
            .WithDescription("""
                Every delegation recorded for a département the supervisor works for (`departement`; by default the only
                one of their token, or this service's own), the latest first, each with whether it is in force today
                (Paris). Another département's: 403 `delegation-departement-not-yours`. Changes nothing.
                """)
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.DelegationDepartementNotYours, "The supervisor does not work for that département.");
        group.MapPost("", Record).ValidateRequest<DelegationRequest>().WithIdempotencyKey()
            .WithName("RecordDelegation")
            .WithSummary("Record a delegation of signature")
            .WithDescription("""
                Records that the président du conseil départemental of `departement` (by default the only one of the
                supervisor's token, or this service's own) lets an agent decide in their name on that département's
                recipients, by an act (its reference, e.g. « arrêté n° 2026-117 du 3 mars 2026 »), from a day to an optional
                last day. A supervisor working for that département (403 `delegation-departement-not-yours` otherwise),
                never for themself. The same agent and act twice: 409. The decision letters name the delegation.
                """)
            .WithRequestExample("""{"agentId":"agent-samir","agentName":"Samir Benali","agentRole":"chef du service RSA","reference":"arrêté n° 2026-117 du 3 mars 2026","validFrom":"2026-03-03","validUntil":null,"departement":"75"}""")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.DelegationDepartementNotYours, "The supervisor does not work for that département.")
            .ProducesProblemType(StatusCodes.Status403Forbidden, ReviewProblems.DelegationForSelf, "Nobody records their own delegation.")
            .ProducesProblemType(StatusCodes.Status409Conflict, ReviewProblems.DelegationExists, "This agent already has this act recorded.");
        return endpoints;
    }

    private static async Task<Results<Ok<DelegationList>, ProblemHttpResult>> List(
        string? departement, ClaimsPrincipal user, ServiceDatabase database, IOptions<LetterOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var asked = DepartementFor(user, departement, options.Value);
        if (!user.ActsFor(asked))
        {
            return NotYours(asked);
        }

        var today = Platform.Rules.Calendar.WeekCalendar.TodayIn(time.GetUtcNow());
        var delegations = await DelegationStore.ListAsync(database, asked, cancellationToken);
        return TypedResults.Ok(new DelegationList(asked, delegations.Select(delegation => DelegationView.Of(delegation, today)).ToList()));
    }

    /// <summary>The département asked for; by default the only one the agent works for, or this service's own.</summary>
    private static string DepartementFor(ClaimsPrincipal user, string? asked, LetterOptions options)
    {
        if (!string.IsNullOrWhiteSpace(asked))
        {
            return asked.Trim();
        }

        var mine = user.Departements().Where(code => code != DepartementCodes.National).ToList();
        return mine.Count == 1 && !user.IsNational() ? mine[0] : options.Departement;
    }

    private static ProblemHttpResult NotYours(string departement) => Problems.Create(
        StatusCodes.Status403Forbidden,
        ReviewProblems.DelegationDepartementNotYours,
        Localized.Text("Département d'un autre", "Another's département"),
        Localized.Text(
            $"Vous ne travaillez pas pour le département {departement} : vous n'en lisez ni n'en enregistrez les délégations. Rien n'a été enregistré.",
            $"You do not work for the département {departement}: you neither read nor record its delegations. Nothing was recorded."));

    private static async Task<Results<Created<DelegationView>, ProblemHttpResult>> Record(
        DelegationRequest request, ClaimsPrincipal user, ServiceDatabase database, IOptions<LetterOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var me = user.SubjectId();
        var departement = DepartementFor(user, request.Departement, options.Value);
        if (!user.ActsFor(departement))
        {
            return NotYours(departement);
        }

        if (string.Equals(request.AgentId!.Trim(), me, StringComparison.Ordinal))
        {
            return Problems.Create(
                StatusCodes.Status403Forbidden,
                ReviewProblems.DelegationForSelf,
                Localized.Text("Délégation pour soi-même", "Delegation for oneself"),
                Localized.Text("Vous ne pouvez pas enregistrer votre propre délégation : une autre personne doit le faire.", "You cannot record your own delegation: someone else must."));
        }

        var now = time.GetUtcNow();
        var delegation = new Delegation(
            Guid.CreateVersion7(now), request.AgentId.Trim(), request.AgentName!.Trim(), request.AgentRole!.Trim(), departement,
            request.Reference!.Trim(), DelegationRequest.Day(request.ValidFrom!), request.ValidUntil is null ? null : DelegationRequest.Day(request.ValidUntil),
            me, now);
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            if (!await DelegationStore.InsertAsync(work, delegation))
            {
                return Problems.Conflict(
                    ReviewProblems.DelegationExists,
                    "Cet agent a déjà une délégation enregistrée sous cet acte.",
                    "This agent already has a delegation recorded under this act.");
            }

            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Created("/api/review/delegations", DelegationView.Of(delegation, Platform.Rules.Calendar.WeekCalendar.TodayIn(now)));
    }
}

/// <param name="AgentId">The agent's identifier (the <c>sub</c> of their sign-in).</param>
/// <param name="AgentName">First name and name, as the letters print them (CRPA L212-1).</param>
/// <param name="AgentRole">Their role, as the letters print it.</param>
/// <param name="Reference">The act of delegation, e.g. « arrêté n° 2026-117 du 3 mars 2026 ».</param>
/// <param name="ValidFrom">First day in force, <c>YYYY-MM-DD</c>.</param>
/// <param name="ValidUntil">Last day in force, <c>YYYY-MM-DD</c>; null: until further notice.</param>
/// <param name="Departement">The département whose président delegates; by default the only one the supervisor works for, or this service's own.</param>
public sealed record DelegationRequest(
    string? AgentId, string? AgentName, string? AgentRole, string? Reference, string? ValidFrom, string? ValidUntil, string? Departement = null)
{
    public static bool IsDay(string? text) => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    public static DateOnly Day(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

internal sealed class DelegationRequestValidator : AbstractValidator<DelegationRequest>
{
    public DelegationRequestValidator()
    {
        RuleFor(request => request.AgentId).Must(text => text is { Length: > 0 and <= 64 } && !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text("L'identifiant de l'agent est requis (64 caractères au plus).", "The agent's identifier is required (64 characters at most)."));
        RuleFor(request => request.AgentName).Must(text => text is { Length: <= 200 } && !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text("Le prénom et le nom de l'agent sont requis (200 caractères au plus).", "The agent's first name and name are required (200 characters at most)."));
        RuleFor(request => request.AgentRole).Must(text => text is { Length: <= 200 } && !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text("La fonction de l'agent est requise (200 caractères au plus).", "The agent's role is required (200 characters at most)."));
        RuleFor(request => request.Reference).Must(text => text is { Length: <= 300 } && !string.IsNullOrWhiteSpace(text))
            .WithMessage(_ => Localized.Text("La référence de l'acte de délégation est requise (300 caractères au plus).", "The act of delegation's reference is required (300 characters at most)."));
        RuleFor(request => request.ValidFrom).Must(DelegationRequest.IsDay)
            .WithMessage(_ => Localized.Text("Le premier jour est une date AAAA-MM-JJ.", "The first day is a date YYYY-MM-DD."));
        RuleFor(request => request.ValidUntil).Must(until => until is null || DelegationRequest.IsDay(until))
            .WithMessage(_ => Localized.Text("Le dernier jour est une date AAAA-MM-JJ, ou absent.", "The last day is a date YYYY-MM-DD, or absent."));
        RuleFor(request => request.Departement).Must(code => code is null || DepartementCodes.IsValid(code.Trim()))
            .WithMessage(_ => Localized.Text("Le département est un code (75, 2A, 971…), ou absent.", "The département is a code (75, 2A, 971…), or absent."));
        RuleFor(request => request.ValidUntil)
            .Must((request, until) => until is null || !DelegationRequest.IsDay(request.ValidFrom) || !DelegationRequest.IsDay(until)
                                      || DelegationRequest.Day(until) >= DelegationRequest.Day(request.ValidFrom!))
            .WithMessage(_ => Localized.Text("Le dernier jour ne précède pas le premier.", "The last day is not before the first."));
    }
}

public sealed record DelegationView(
    Guid DelegationId, string AgentId, string AgentName, string AgentRole, string Departement, string Reference, DateOnly ValidFrom, DateOnly? ValidUntil,
    bool InForce, string RecordedBy, DateTimeOffset RecordedAt)
{
    public static DelegationView Of(Delegation delegation, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(delegation);
        return new(delegation.DelegationId, delegation.AgentId, delegation.AgentName, delegation.AgentRole, delegation.Departement, delegation.Reference,
            delegation.ValidFrom, delegation.ValidUntil, delegation.InForceOn(today), delegation.RecordedBy, delegation.RecordedAt);
    }
}

public sealed record DelegationList(string Departement, IReadOnlyList<DelegationView> Delegations);
