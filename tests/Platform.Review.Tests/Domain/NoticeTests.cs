using Platform.Contracts.Review;
using Platform.Review.Domain;
using static Platform.Review.Tests.Domain.Cases;

namespace Platform.Review.Tests.Domain;

public sealed class NoticeTests
{
    [Fact]
    public void RecordPostalReceipt_DatedBeforeTheNotice_OrInTheFuture_IsRefused()
    {
        var (proposed, proposal) = Unreceived();
        var notice = Notice.For(proposal, 646.52m);
        var today = DateOnly.FromDateTime(Now.UtcDateTime);
        Assert.Equal(RefusalCode.ReceiptBeforeNotice, notice.RecordPostalReceipt(proposed, proposal, "RR123456789FR", today.AddDays(-1), "agent", Window, Now.AddDays(3)).Refusal!.Code);
        Assert.Equal(RefusalCode.ReceiptInFuture, notice.RecordPostalReceipt(proposed, proposal, "RR123456789FR", today.AddDays(4), "agent", Window, Now.AddDays(3)).Refusal!.Code);
    }

    [Fact]
    public void RecordPostalReceipt_StartsTheWindowAtTheStartOfThatDayInParis_AndSaysSoInItsEvent()
    {
        var (proposed, proposal) = Unreceived();
        var notice = Notice.For(proposal, 646.52m);
        var receivedOn = DateOnly.FromDateTime(Now.UtcDateTime).AddDays(2);
        var (receipt, refusal) = notice.RecordPostalReceipt(proposed, proposal, "RR123456789FR", receivedOn, "agent", Window, Now.AddDays(5));
        Assert.Null(refusal);
        var midnightParis = new DateTimeOffset(receivedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(1));
        Assert.Equal((midnightParis, midnightParis + Window), (receipt!.Proposal.ReceivedAt!.Value, receipt.Proposal.AnswerBy));
        Assert.Equal(
            (ReceiptChannel.Post, midnightParis, "RR123456789FR", CaseHistoryAction.PostalReceiptRecorded),
            (receipt.Event.Channel, receipt.Event.FirstReceivedAt, receipt.Event.TrackingReference, receipt.History.Action));
    }

    private static (Case Case, Proposal Proposal) Unreceived()
    {
        var change = Claimed().Propose(Counsellor, Terms, FirstBreachSinglePerson, Window, Guid.CreateVersion7(Now), Guid.CreateVersion7(Now), Now).Change!;
        return (change.Case, change.Proposal!);
    }
}
