using Platform.Rules.Calendar;
using System.Security.Claims;
using Dapper;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Platform.Contracts.Allocations;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Allocations.Allocation;

public static class AllocationEndpoints
{
    public static IEndpointRouteBuilder MapAllocationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/recipients/{recipientId}/allocation").WithTags("Allocations");
        // The amounts and household facts are the paying body's (CAF or MSA) to state, not a counsellor's.
        group.MapPut("", Set).RequireAuthorization(Policies.Payer)
            .WithName("SetAllocation")
            .WithSummary("Set a household's monthly allocation from a month on")
            .WithDescription("""
                The paying body (CAF or MSA) states the monthly base amount, the household's size and the lone-parent increase,
                in force from a month (YYYY-MM). Sending what is in force again changes nothing; a statement about a month
                already begun is a correction kept beside what it corrects. Publishes `AllocationSet`. Only a signed sanction
                decision from the review service can reduce what is due; this route cannot.
                """)
            .WithRequestExample("""{"monthlyBaseAmount":646.52,"householdSize":1,"loneParentIncrease":false,"fromMonth":"2026-11"}""");
        group.MapGet("", Get).RequireAuthorization(Policies.RecipientOrCounsellor)
            .WithName("GetAllocation")
            .WithSummary("Read the amount due for a month, with each adjustment")
            .WithDescription("""
                The amount due for `month` (YYYY-MM, this month by default): the base amount, minus each suspension in force
                naming the signed decision and the key that signed it (as an appeal left it), plus repayments of suspensions lifted
                or reduced or annulled on appeal (naming the appeal). A recipient reads
                their own; a counsellor any recipient's. Changes nothing.
                """)
            .ProducesNotFound("No allocation is recorded for this recipient for that month.");
        return endpoints;
    }

    /// <summary>
    /// The payer states the monthly base amount and household facts from a month on. Sending what is in force again
    /// changes nothing. Nothing is ever rewritten: a statement about a month already begun is a correction, a new fact
    /// kept beside the one it corrects, shown to the recipient and published for the audit log.
    /// </summary>
    private static async Task<Results<Ok<AllocationRow>, ProblemHttpResult>> Set(
        string recipientId,
        SetAllocationRequest request,
        ClaimsPrincipal user,
        IValidator<SetAllocationCommand> validator,
        ServiceDatabase database,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var command = new SetAllocationCommand(
            recipientId, request.MonthlyBaseAmount, request.HouseholdSize, request.LoneParentIncrease ?? false, request.FromMonth);
        var validation = await validator.ValidateAsync(command, cancellationToken);
        if (!validation.IsValid)
        {
            return Problems.Validation(validation);
        }

        await using var work = await database.BeginAsync(cancellationToken);
        await work.Connection.ExecuteAsync(
            "SELECT pg_advisory_xact_lock(hashtextextended('allocation:' || @recipientId, 0))", new { recipientId }, work.Transaction);
        var current = await work.Connection.QuerySingleOrDefaultAsync<AllocationRow>(
            $"{AllocationRow.Select} WHERE recipient_id = @recipientId ORDER BY id DESC LIMIT 1", new { recipientId }, work.Transaction);
        if (current is not null && current.MonthlyBaseAmount == command.MonthlyBaseAmount && current.HouseholdSize == command.HouseholdSize
            && current.LoneParentIncrease == command.LoneParentIncrease && current.FromMonth == command.FromMonth)
        {
            return TypedResults.Ok(current);
        }

        var setAt = time.GetUtcNow();
        var setBy = user.SubjectId();
        var history = await AllocationLedger.HistoryAsync(work.Connection, recipientId, work.Transaction);
        var fromMonth = Months.TryParse(command.FromMonth, out var month) ? month : throw new InvalidOperationException("Validated above.");
        var previous = AllocationLedger.InForce(history, fromMonth);
        var correction = fromMonth < Months.Of(setAt);
        var saved = new AllocationRow(
            recipientId, command.MonthlyBaseAmount!.Value, command.HouseholdSize!.Value, command.LoneParentIncrease, command.FromMonth!, setBy, setAt);
        await work.Connection.ExecuteAsync(
            """
            INSERT INTO allocations (recipient_id, monthly_base_amount, household_size, lone_parent_increase, from_month, set_by, set_at)
            VALUES (@RecipientId, @MonthlyBaseAmount, @HouseholdSize, @LoneParentIncrease, @FromMonth, @SetBy, @SetAt)
            """,
            saved,
            work.Transaction);
        work.Publish(new AllocationSet(
            recipientId, saved.MonthlyBaseAmount, saved.HouseholdSize, saved.LoneParentIncrease, saved.FromMonth, setBy, correction, previous?.MonthlyBaseAmount)
        {
            OccurredAt = setAt,
        });
        await work.CommitAsync(cancellationToken);
        return TypedResults.Ok(saved);
    }

    /// <summary>The amount due for a month: the base, minus each suspension in force (naming its signed decision), plus repayments.</summary>
    private static async Task<Results<Ok<MonthlyAllocation>, ProblemHttpResult>> Get(
        string recipientId, string? month, ClaimsPrincipal user, ServiceDatabase database, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor))
        {
            return Problems.Forbidden();
        }

        var wanted = Months.Of(time.GetUtcNow());
        if (month is not null && !Months.TryParse(month, out wanted))
        {
            return Problems.Validation(new Dictionary<string, string[]>
            {
                ["month"] = [Localized.Text(
                    $"« {month} » n'est pas un mois : écrivez AAAA-MM, par exemple 2027-01.", $"'{month}' is not a month: write YYYY-MM, e.g. 2027-01.")],
            });
        }

        await using var connection = await database.OpenReadAsync(cancellationToken);
        var history = await AllocationLedger.HistoryAsync(connection, recipientId);
        var inForce = AllocationLedger.InForce(history, wanted);
        if (inForce is null)
        {
            return Problems.NotFound(
                "Aucune allocation n'est enregistrée pour cet allocataire pour ce mois.",
                "No allocation is recorded for this recipient for that month.");
        }

        var adjustments = (await connection.QueryAsync<AdjustmentRow>(
            $"{AdjustmentRow.Select} WHERE recipient_id = @recipientId ORDER BY from_month, applied_at", new { recipientId })).ToList();
        var lines = adjustments.Where(adjustment => adjustment.Covers(wanted)).Select(adjustment =>
            {
                var ledger = adjustment.Ledger(history);
                return new AdjustmentLine(
                    adjustment.DecisionId,
                    ledger.ShareIn(wanted),
                    ledger.WithheldIn(wanted),
                    adjustment.FromMonth,
                    adjustment.Months,
                    adjustment.KeyId,
                    adjustment.LiftedFromMonth);
            })
            .ToList();
        var key = Months.Format(wanted);
        var repayments = adjustments.Where(adjustment => adjustment.LiftRepaidIn == key && adjustment.AmountRepaid > 0)
            .Select(adjustment => new RepaymentLine(adjustment.DecisionId, adjustment.AmountRepaid!.Value, adjustment.KeyId))
            .Concat(adjustments.Where(adjustment => adjustment.AppealFromMonth == key && adjustment.AppealRepaid > 0)
                .Select(adjustment => new RepaymentLine(adjustment.DecisionId, adjustment.AppealRepaid!.Value, adjustment.KeyId, adjustment.AppealId)))
            .ToList();
        var due = Math.Max(0m, inForce.MonthlyBaseAmount - lines.Sum(line => line.Amount)) + repayments.Sum(repayment => repayment.Amount);
        var statements = history.Where(row => string.CompareOrdinal(row.FromMonth, key) <= 0)
            .Select(row => new AllocationStatement(
                row.FromMonth, row.MonthlyBaseAmount, row.HouseholdSize, row.LoneParentIncrease, row.SetBy, row.SetAt,
                string.CompareOrdinal(row.FromMonth, Months.Format(Months.Of(row.SetAt))) < 0,
                ReferenceEquals(row, inForce)))
            .OrderBy(statement => statement.StatedAt)
            .ToList();
        return TypedResults.Ok(new MonthlyAllocation(
            recipientId, key, inForce.MonthlyBaseAmount, due, inForce.HouseholdSize, inForce.LoneParentIncrease, lines, repayments, statements));
    }
}

/// <summary>The allocation GET (docs/api.md), with the household facts and any repayment added.</summary>
public sealed record MonthlyAllocation(
    string RecipientId,
    string Month,
    decimal BaseAmount,
    decimal AmountDue,
    int HouseholdSize,
    bool LoneParentIncrease,
    IReadOnlyList<AdjustmentLine> Adjustments,
    IReadOnlyList<RepaymentLine> Repayments,
    IReadOnlyList<AllocationStatement> History);

/// <summary>
/// One statement of the payer bearing on the month, in the order stated: a correction stands beside what it corrected.
/// </summary>
/// <param name="Correction">Stated after <paramref name="FromMonth"/> had begun: it corrects months already paid.</param>
/// <param name="InForce">The statement that gives the month's amount.</param>
public sealed record AllocationStatement(
    string FromMonth,
    decimal MonthlyBaseAmount,
    int HouseholdSize,
    bool LoneParentIncrease,
    string StatedBy,
    DateTimeOffset StatedAt,
    bool Correction,
    bool InForce);

/// <summary>One suspension covering the month, naming the signed decision and the key that signed it.</summary>
/// <param name="Percent">The share suspended this month: the decision's, or what an appeal left of it.</param>
/// <param name="Amount">Withheld this month (0 once the suspension was lifted or annulled on appeal).</param>
public sealed record AdjustmentLine(Guid DecisionId, int Percent, decimal Amount, string FromMonth, int Months, string KeyId, string? LiftedFromMonth);

/// <summary>
/// What a lifted suspension pays back, in the month it was lifted (or, when the ending looks back on months already
/// begun, in the month it was decided); or what an appeal that reduced or annulled it pays
/// back, in the month of the appeal's decision, naming the appeal (<paramref name="AppealId"/>).
/// </summary>
public sealed record RepaymentLine(Guid DecisionId, decimal Amount, string KeyId, Guid? AppealId = null);

public sealed record SetAllocationRequest(decimal? MonthlyBaseAmount, int? HouseholdSize, bool? LoneParentIncrease, string? FromMonth);

public sealed record SetAllocationCommand(string RecipientId, decimal? MonthlyBaseAmount, int? HouseholdSize, bool LoneParentIncrease, string? FromMonth);

internal sealed class SetAllocationValidator : AbstractValidator<SetAllocationCommand>
{
    public const decimal MaxMonthlyAmount = 100_000m;
    public const int MaxHouseholdSize = 20;

    public SetAllocationValidator()
    {
        RuleFor(command => command.RecipientId)
            .Matches("^[A-Za-z0-9_-]{1,64}$")
            .WithMessage(_ => Localized.Text(
                "L'identifiant de l'allocataire ne peut contenir que des lettres, chiffres, « - » et « _ » (64 au plus).",
                "The recipient id may only hold letters, digits, '-' and '_' (64 at most)."));
        RuleFor(command => command.MonthlyBaseAmount)
            .NotNull()
            .WithMessage(_ => Localized.Text("Le montant mensuel de base est obligatoire.", "The monthly base amount is required."))
            .InclusiveBetween(0m, MaxMonthlyAmount)
            .WithMessage(command => Localized.Text(
                $"Le montant mensuel va de 0 à {MaxMonthlyAmount} € (reçu : {command.MonthlyBaseAmount}).",
                $"The monthly amount is between 0 and {MaxMonthlyAmount} € (got {command.MonthlyBaseAmount})."))
            .Must(amount => amount is null || decimal.Round(amount.Value, 2) == amount.Value)
            .WithMessage(_ => Localized.Text("Le montant s'exprime en euros et centimes (deux décimales au plus).", "The amount is in euros and cents (two decimals at most)."));
        RuleFor(command => command.HouseholdSize)
            .NotNull()
            .WithMessage(_ => Localized.Text("La taille du foyer est obligatoire.", "The household size is required."))
            .InclusiveBetween(1, MaxHouseholdSize)
            .WithMessage(command => Localized.Text(
                $"Le foyer compte de 1 à {MaxHouseholdSize} personnes (reçu : {command.HouseholdSize}).",
                $"A household has 1 to {MaxHouseholdSize} people (got {command.HouseholdSize})."));
        RuleFor(command => command.FromMonth)
            .Must(month => Months.TryParse(month, out _))
            .WithMessage(_ => Localized.Text(
                "Le mois de départ est obligatoire et s'écrit AAAA-MM, par exemple 2026-01.",
                "The starting month is required and is written YYYY-MM, e.g. 2026-01."));
    }
}
