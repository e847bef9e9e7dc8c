using Platform.Contracts.Review;
using Platform.Rules.Calendar;
using Platform.Rules.Sanctions;

namespace Platform.Review.Domain;

/// <summary>
/// The notice of an envisaged sanction (CASF L262-37, décret n° 2025-478 du 30 mai 2025): produced with the proposal,
/// delivered in the application, by e-mail and as a letter, and received when a first proof with a certain date comes
/// in — the person's acknowledgement in the application, the e-mail's single-use link, or the registered letter's date
/// of receipt. Its id is the proposal's notification id.
/// </summary>
/// <param name="MonthlyBaseAmount">The household's monthly amount as the paying body last stated it; null when unknown.</param>
public sealed record Notice(
    Guid NoticeId,
    Guid ProposalId,
    Guid CaseId,
    string RecipientId,
    DateTimeOffset CreatedAt,
    decimal? MonthlyBaseAmount,
    string? TrackingReference,
    DateOnly? PostalReceivedOn)
{
    /// <summary>
    /// The accepted justified absences covering a week of the proposal's breach, as known when the notice is read: the
    /// notice lists them (or says there are none), and a proposal they touch can no longer be approved (CASF R262-68-6).
    /// </summary>
    public IReadOnlyList<ExcusingAbsence> Absences { get; init; } = [];

    /// <summary>The weeks a proposal rests on: its breach, or the flag's own week for proposals made before breaches were recorded.</summary>
    public static BreachPeriod? WeeksOf(Case of, Proposal proposal)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        return proposal.Breach ?? (IsoWeek.TryParse(of.Week, out var week) ? new BreachPeriod(week, week) : null);
    }

    /// <summary>The notice of a proposal just made.</summary>
    public static Notice For(Proposal proposal, decimal? monthlyBaseAmount)
    {
        ArgumentNullException.ThrowIfNull(proposal);
        return new(proposal.NotificationId, proposal.ProposalId, proposal.CaseId, proposal.RecipientId, proposal.NotifiedAt, monthlyBaseAmount, null, null);
    }

    /// <summary>
    /// A proof that the notice was received at <paramref name="at"/> (never before it was produced). The first proof starts
    /// the proposal's window of <paramref name="window"/>; every proof is recorded.
    /// </summary>
    public NoticeReceipt Receive(Case of, Proposal proposal, string channel, DateTimeOffset at, string recordedBy, TimeSpan window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(of);
        ArgumentNullException.ThrowIfNull(proposal);
        var receivedAt = (at < CreatedAt ? CreatedAt : at).ToUniversalTime();
        var updated = proposal.Received(receivedAt, window);
        var first = updated.ReceivedAt ?? receivedAt;
        return new NoticeReceipt(
            this,
            updated,
            channel,
            receivedAt,
            recordedBy,
            of.Step(now, CaseHistoryAction.NoticeReceived, recordedBy, $"{channel} {receivedAt:yyyy-MM-dd'T'HH:mm:ss'Z'}"),
            new NoticeReceived(NoticeId, ProposalId, CaseId, RecipientId, channel, receivedAt, first, updated.AnswerBy, recordedBy, TrackingReference)
            {
                OccurredAt = now,
            });
    }

    /// <summary>
    /// A counsellor records the registered letter's tracking reference and the date La Poste says it was received: not
    /// before the notice, not in the future (both in Paris). The proof's instant is the start of that day, or the notice's
    /// own instant when it was received the day it was produced.
    /// </summary>
    public (NoticeReceipt? Receipt, Refusal? Refusal) RecordPostalReceipt(
        Case of, Proposal proposal, string trackingReference, DateOnly receivedOn, string recordedBy, TimeSpan window, DateTimeOffset now)
    {
        if (receivedOn < WeekCalendar.TodayIn(CreatedAt))
        {
            return (null, new Refusal(RefusalCode.ReceiptBeforeNotice));
        }

        if (receivedOn > WeekCalendar.TodayIn(now))
        {
            return (null, new Refusal(RefusalCode.ReceiptInFuture));
        }

        var midnight = receivedOn.ToDateTime(TimeOnly.MinValue);
        var startOfDay = new DateTimeOffset(midnight, WeekCalendar.Paris.GetUtcOffset(midnight)).ToUniversalTime();
        var posted = this with { TrackingReference = trackingReference, PostalReceivedOn = receivedOn };
        var receipt = posted.Receive(of, proposal, ReceiptChannel.Post, startOfDay, recordedBy, window, now);
        return (receipt with { History = receipt.History with { Action = CaseHistoryAction.PostalReceiptRecorded } }, null);
    }
}

/// <summary>One proof of receipt, and what it changes: the proposal's window when it is the first, the history, the event.</summary>
public sealed record NoticeReceipt(
    Notice Notice,
    Proposal Proposal,
    string Channel,
    DateTimeOffset ReceivedAt,
    string RecordedBy,
    HistoryStep History,
    NoticeReceived Event);
