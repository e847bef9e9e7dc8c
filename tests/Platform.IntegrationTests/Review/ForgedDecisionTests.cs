using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Review.Sanctions;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// What a buggy or hostile publisher can do by writing SanctionDecided straight onto the bus: nothing changes, and
/// every attempt is published as AdjustmentRejected for the audit log. A genuine decision delivered again has one effect.
/// </summary>
public sealed class ForgedDecisionTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private SanctionDecided Lawful(string recipient)
    {
        var notifiedAt = fixture.Clock.GetUtcNow().AddDays(-20);
        return fixture.GenuineSigner.Sign(new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), recipient, "repeated-shortfall", 30, 1, fixture.MonthFromNow(1), false,
            "agent-c1", "agent-s1", Guid.NewGuid(), notifiedAt, notifiedAt.AddDays(15), null, fixture.Clock.GetUtcNow(), "", "", "2026-W44", "2026-W47",
            ReceivedAt: notifiedAt, WindowClosedBy: WindowClosure.Deadline, WindowClosedAt: notifiedAt.AddDays(15))
        {
            EventId = Guid.NewGuid(),
            Producer = "review",
        });
    }

    public static TheoryData<string, string> Forgeries => new()
    {
        { "rogue-key", "bad-signature" },
        { "tampered-percent", "bad-signature" },
        { "tampered-approver", "bad-signature" },
        { "unknown-key-id", "unknown-key" },
        { "self-approval", "self-approval" },
        { "decided-inside-window", "decided-before-window" },
        { "no-signature", "bad-signature" },
        { "not-received", "notice-not-received" },
        { "window-from-sending-not-receipt", "window-too-short" },
        { "inside-window-after-a-first-observation", "window-closure-missing" },
        { "nothing-to-add-claimed-after-the-decision", "decided-before-window" },
        { "deadline-claimed-before-it-passed", "decided-before-window" },
        { "hearing-claimed-before-the-notification", "decided-before-window" },
    };

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ADecisionPublishedDirectlyOnTheBus_ThatIsForgedOrUnlawful_ChangesNothing_AndIsAudited(string forgery, string reasonCode)
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m);
        var lawful = Lawful(recipient);
        using var rogueKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rogue = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = HumanGateFixture.KeyId, Keys = { [HumanGateFixture.KeyId] = rogueKey.ExportPkcs8PrivateKeyPem() },
        }));
        using var unknown = new DecisionSigner(Options.Create(new SigningOptions
        {
            ActiveKeyId = "review-9", Keys = { ["review-9"] = rogueKey.ExportPkcs8PrivateKeyPem() },
        }));
        var message = forgery switch
        {
            "rogue-key" => rogue.Sign(lawful),
            "tampered-percent" => lawful with { Percent = 100 },
            "tampered-approver" => lawful with { ApprovedBy = "agent-x" },
            "unknown-key-id" => unknown.Sign(lawful),
            "self-approval" => fixture.GenuineSigner.Sign(lawful with { ApprovedBy = lawful.ProposedBy }),
            "decided-inside-window" => fixture.GenuineSigner.Sign(lawful with { AnswerBy = lawful.DecidedAt.AddDays(3) }),
            "not-received" => fixture.GenuineSigner.Sign(lawful with { ReceivedAt = null }),
            // Fifteen days from sending, but the notice was received on the eighth: seven days to answer.
            "window-from-sending-not-receipt" => fixture.GenuineSigner.Sign(lawful with { ReceivedAt = lawful.NotifiedAt.AddDays(8) }),
            // The old rule: an observation inside the window, and no word of how the window closed.
            "inside-window-after-a-first-observation" => fixture.GenuineSigner.Sign(lawful with
            {
                AnswerBy = lawful.DecidedAt.AddDays(3), ObservationReceivedAt = lawful.DecidedAt.AddDays(-1), WindowClosedBy = null, WindowClosedAt = null,
            }),
            "nothing-to-add-claimed-after-the-decision" => fixture.GenuineSigner.Sign(lawful with
            {
                AnswerBy = lawful.DecidedAt.AddDays(3), WindowClosedBy = WindowClosure.NothingToAdd, WindowClosedAt = lawful.DecidedAt.AddMinutes(1),
            }),
            "deadline-claimed-before-it-passed" => fixture.GenuineSigner.Sign(lawful with
            {
                AnswerBy = lawful.DecidedAt.AddDays(3), WindowClosedAt = lawful.DecidedAt.AddDays(-1),
            }),
            "hearing-claimed-before-the-notification" => fixture.GenuineSigner.Sign(lawful with
            {
                AnswerBy = lawful.DecidedAt.AddDays(3), WindowClosedBy = WindowClosure.Hearing, WindowClosedAt = lawful.NotifiedAt.AddHours(-1),
            }),
            _ => lawful with { Signature = "" },
        };

        await fixture.Events.PublishRawAsync(message, Guid.NewGuid());

        var rejected = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == lawful.DecisionId);
        Assert.Equal(reasonCode, rejected.ReasonCode);
        Assert.Equal("allocations", rejected.Producer);
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM adjustments WHERE recipient_id = @recipient", new { recipient }));
        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(1)}");
        Assert.Equal(500m, allocation.GetProperty("amountDue").GetDecimal());
        Assert.Empty(allocation.GetProperty("adjustments").EnumerateArray());
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<AllocationAdjusted>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task AGenuineDecisionDeliveredAgain_OrReplayedUnderANewMessageId_HasOneEffect()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m);
        var decision = Lawful(recipient);
        var messageId = Guid.NewGuid();

        await fixture.Events.PublishRawAsync(decision, messageId);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        await fixture.Events.PublishRawAsync(decision, messageId);
        await fixture.Events.PublishRawAsync(decision, Guid.NewGuid());

        var replay = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == decision.DecisionId);
        Assert.Equal("replay", replay.ReasonCode);
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<AllocationAdjusted>(TimeSpan.FromSeconds(1), e => e.DecisionId == decision.DecisionId));
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<AdjustmentRejected>(TimeSpan.Zero, e => e.DecisionId == decision.DecisionId));
        Assert.Equal(1, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM adjustments WHERE decision_id = @DecisionId", new { decision.DecisionId }));
        var allocation = await fixture.Allocations.ClientFor("counsellor", "agent-c1")
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(1)}");
        Assert.Equal(350m, allocation.GetProperty("amountDue").GetDecimal());
    }
}
