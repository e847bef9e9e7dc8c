using System.Text.Json;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Departements;

namespace Platform.Review.Letters;

/// <summary>
/// Who may decide, and the letter of what they decided: both in the decision's own transaction, so a decision without
/// its letter, or a letter without its decision, cannot be committed.
/// </summary>
internal static class LetterDelivery
{
    /// <summary>The delegation that lets <paramref name="agentId"/> decide today (Paris) for the département's président; null if none is in force.</summary>
    public static async Task<Delegation?> DelegationInForceAsync(ServiceTransaction work, string agentId, string departement, DateTimeOffset now) =>
        Delegation.InForce(await DelegationStore.OfAgentAsync(work, agentId, departement), agentId, departement, WeekCalendar.TodayIn(now));

    /// <summary>
    /// The département a decision on <paramref name="recipientId"/> is taken for: the recipient's own
    /// (<c>recipient_departements</c>), or the service's configured one for a recipient never placed.
    /// </summary>
    public static async Task<string> DepartementOfAsync(ServiceTransaction work, string recipientId, LetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(options);
        return await RecipientPlacements.DepartementOfAsync(work.Connection, recipientId, work.Transaction) ?? options.Departement;
    }

    /// <summary>
    /// The delegation that lets <paramref name="agentId"/> decide today on <paramref name="recipientId"/>: one of the
    /// président of the recipient's département; null (with that département) if none is in force.
    /// </summary>
    public static async Task<(Delegation? Delegation, string Departement)> DelegationForRecipientAsync(
        ServiceTransaction work, string agentId, string recipientId, LetterOptions options, DateTimeOffset now)
    {
        var departement = await DepartementOfAsync(work, recipientId, options);
        return (await DelegationInForceAsync(work, agentId, departement, now), departement);
    }

    /// <summary>Writes the letter of the decision <paramref name="decided"/> and queues its e-mail when the person gave an address.</summary>
    /// <returns>Whether an e-mail was queued.</returns>
    public static async Task<bool> IssueAsync(ServiceTransaction work, ReviewChange decided, Delegation delegation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(decided);
        ArgumentNullException.ThrowIfNull(delegation);
        var proposal = decided.Proposal ?? throw new InvalidOperationException("A decision letter needs a decided proposal.");
        var signed = decided.Events.OfType<SanctionDecided>().SingleOrDefault();
        var letter = new DecisionLetterRecord(
            Guid.CreateVersion7(now),
            signed is null ? LetterKind.SanctionRejected : LetterKind.SanctionApproved,
            proposal.ProposalId,
            proposal.CaseId,
            proposal.RecipientId,
            delegation.DelegationId,
            signed?.DecisionId,
            signed?.KeyId,
            signed?.Signature,
            signed is null ? null : JsonSerializer.Serialize(signed, JsonSerializerOptions.Web),
            now);
        await LetterStore.InsertAsync(work, letter);
        work.Publish(new DecisionLetterIssued(letter.LetterId, letter.RecipientId, letter.Kind, letter.DecisionId, letter.ProposalId, null) { OccurredAt = now });
        if (await NoticeStore.ContactAsync(work, proposal.RecipientId) is not { } address)
        {
            return false;
        }

        await LetterEmailOutbox.DecisionLetters.QueueAsync(work, letter.LetterId, address, now);
        return true;
    }

    /// <summary>
    /// Writes the letter of an early ending, carrying the signed <paramref name="ending"/>, beside the letters of the
    /// sanction it ends (<paramref name="proposalId"/>, <paramref name="caseId"/>), and queues its e-mail when the person
    /// gave an address.
    /// </summary>
    public static async Task<DecisionLetterRecord> IssueEndingAsync(
        ServiceTransaction work, SuspensionEnded ending, Guid proposalId, Guid caseId, Delegation delegation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(ending);
        ArgumentNullException.ThrowIfNull(delegation);
        var letter = new DecisionLetterRecord(
            Guid.CreateVersion7(now),
            LetterKind.SuspensionEnded,
            proposalId,
            caseId,
            ending.RecipientId,
            delegation.DelegationId,
            ending.DecisionId,
            ending.KeyId,
            ending.Signature,
            JsonSerializer.Serialize(ending, JsonSerializerOptions.Web),
            now);
        await LetterStore.InsertAsync(work, letter);
        work.Publish(new DecisionLetterIssued(letter.LetterId, letter.RecipientId, letter.Kind, ending.DecisionId, proposalId, null) { OccurredAt = now });
        if (await NoticeStore.ContactAsync(work, ending.RecipientId) is { } address)
        {
            await LetterEmailOutbox.DecisionLetters.QueueAsync(work, letter.LetterId, address, now);
        }

        return letter;
    }
}
