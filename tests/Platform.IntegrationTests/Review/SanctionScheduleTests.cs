using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// Sanctions are never retroactive, one per breach, and within the household's cap on the total withheld in a month
/// (CASF R262-68-6): the review service refuses them over HTTP, and the allocations service refuses them again when a
/// decision bearing the review service's genuine signature reaches it directly on the bus.
/// </summary>
public sealed class SanctionScheduleTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    /// <summary>The recipient says they have nothing to add; a supervisor approves. Returns the HTTP answer.</summary>
    private async Task<HttpResponseMessage> HearAndApproveAsync(string recipient, Guid flagId, JsonElement proposal)
    {
        var answered = await fixture.Review.ClientFor("recipient", recipient)
            .PostAsJsonAsync($"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Je n'ai rien à ajouter.", nothingToAdd = true });
        Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        return await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi." });
    }

    private async Task<HttpResponseMessage> ClaimAndProposeAsync(Guid caseId, int percent, int months, string startMonth)
    {
        var counsellor = fixture.CounsellorClient();
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        return await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/sanction-proposals", new { percent, months, startMonth, reason = "Trois semaines sur quatre sans les heures prévues.", assessment = HumanGateFixture.Assessment });
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    private async Task<long> ProposalsOfAsync(string recipient) =>
        await HumanGateFixture.ScalarAsync<long>(fixture.ReviewDatabase, "SELECT count(*) FROM proposals WHERE recipient_id = @recipient", new { recipient });

    [Fact]
    public async Task Propose_StartingThisMonth_IsRefused_422NamingTheStartMonth_AndNothingIsWritten()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, caseId) = await fixture.RaiseFlagAsync(recipient);

        var response = await ClaimAndProposeAsync(caseId, 30, 1, fixture.MonthFromNow(0));

        Assert.Equal((HttpStatusCode)422, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Contains(fixture.MonthFromNow(1), problem.GetProperty("errors").GetProperty("startMonth")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await ProposalsOfAsync(recipient));
    }

    [Fact]
    public async Task Approve_OnceTheStartMonthHasBegun_IsRefused_409Retroactive_AndNoDecisionIsSigned()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1, startMonth: fixture.MonthFromNow(1));
        fixture.AdvanceToMidNextMonth();

        var response = await HearAndApproveAsync(recipient, flagId, proposal);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(ProblemBase + "start-month-retroactive", (await ProblemAsync(response)).GetProperty("type").GetString());
        Assert.Equal("pending", (await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}")).GetProperty("state").GetString());
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SanctionDecided>(TimeSpan.FromMilliseconds(500), e => e.RecipientId == recipient));
    }

    [Fact]
    public async Task Propose_OnWeeksAlreadySanctioned_IsRefused_409_OneBreachOneSanction()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, _, first) = await fixture.ProposeAsync(recipient, percent: 30, months: 1, week: "2026-W47");
        Assert.Equal(HttpStatusCode.OK, (await HearAndApproveAsync(recipient, flagId, first)).StatusCode);

        // The next week's flag stands on the same consecutive short weeks.
        var (_, nextCase) = await fixture.RaiseFlagAsync(recipient, week: "2026-W48");
        var response = await ClaimAndProposeAsync(nextCase, 30, 1, fixture.MonthFromNow(2));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ProblemAsync(response);
        Assert.Equal(ProblemBase + "breach-already-sanctioned", problem.GetProperty("type").GetString());
        Assert.Contains("2026-W45..2026-W48", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await ProposalsOfAsync(recipient));
    }

    [Fact]
    public async Task Propose_ASecond50PercentOverlappingTheFirst_ForAFamily_IsRefused_409_TheTotalIsCappedAt50()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, householdSize: 3);
        var (flagId, _, first) = await fixture.ProposeAsync(recipient, percent: 50, months: 2, startMonth: fixture.MonthFromNow(1), week: "2026-W40");
        Assert.Equal(HttpStatusCode.OK, (await HearAndApproveAsync(recipient, flagId, first)).StatusCode);

        // Four weeks on, a distinct breach (short weeks after the first decision), proposed from the earliest month
        // allowed: the first suspension still withholds 50 % then.
        fixture.Clock.Advance(TimeSpan.FromDays(28));
        var (_, secondCase) = await fixture.RaiseFlagAsync(recipient, week: fixture.CurrentWeek());
        var overlapping = await ClaimAndProposeAsync(secondCase, 50, 2, fixture.MonthFromNow(1));

        Assert.Equal(HttpStatusCode.Conflict, overlapping.StatusCode);
        var problem = await ProblemAsync(overlapping);
        Assert.Equal(ProblemBase + "household-cap-exceeded", problem.GetProperty("type").GetString());
        Assert.Contains("R262-68-6", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await ProposalsOfAsync(recipient));
    }

    /// <summary>A decision the review service would never sign as it is, signed with its genuine key and published directly.</summary>
    private SanctionDecided Genuine(string recipient, int percent, int months, string startMonth, string? firstWeek, string? lastWeek, bool repeated = false)
    {
        var now = fixture.Clock.GetUtcNow();
        var notifiedAt = now.AddDays(-20);
        return fixture.GenuineSigner.Sign(new SanctionDecided(
            Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), recipient, "repeated-shortfall", percent, months, startMonth, repeated,
            "agent-c1", "agent-s1", Guid.NewGuid(), notifiedAt, notifiedAt.AddDays(15), null, now, "", "", firstWeek, lastWeek,
            ReceivedAt: notifiedAt, WindowClosedBy: WindowClosure.Deadline,
            WindowClosedAt: notifiedAt.AddDays(15))
        {
            EventId = Guid.NewGuid(),
            Producer = "review",
        });
    }

    private async Task<SanctionDecided> AppliedAsync(SanctionDecided decision)
    {
        await fixture.Events.PublishRawAsync(decision, Guid.NewGuid());
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        return decision;
    }

    public static TheoryData<string, string> Unlawful => new()
    {
        { "retroactive", "start-month-retroactive" },
        { "same-breach", "breach-already-sanctioned" },
        { "overlapping-above-cap", "household-cap-exceeded" },
        { "no-breach", "breach-period-missing" },
    };

    [Theory]
    [MemberData(nameof(Unlawful))]
    public async Task AGenuinelySignedDecision_RetroactiveOrForABreachAlreadySanctionedOrAboveTheCap_IsRefusedByAllocations_AndAudited(
        string unlawful, string reasonCode)
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m, householdSize: 2);
        var first = await AppliedAsync(Genuine(recipient, 50, 2, fixture.MonthFromNow(1), "2026-W40", "2026-W43"));
        var decision = unlawful switch
        {
            "retroactive" => Genuine(recipient, 30, 1, fixture.MonthFromNow(0), "2026-W30", "2026-W33"),
            "same-breach" => Genuine(recipient, 30, 1, fixture.MonthFromNow(3), "2026-W42", "2026-W45"),
            "overlapping-above-cap" => Genuine(recipient, 30, 1, fixture.MonthFromNow(2), "2026-W30", "2026-W33"),
            _ => Genuine(recipient, 30, 1, fixture.MonthFromNow(3), null, null),
        };

        await fixture.Events.PublishRawAsync(decision, Guid.NewGuid());

        var rejected = await fixture.Events.WaitForAsync<AdjustmentRejected>(e => e.DecisionId == decision.DecisionId);
        Assert.Equal(reasonCode, rejected.ReasonCode);
        Assert.Equal(1, await HumanGateFixture.ScalarAsync<long>(
            fixture.AllocationsDatabase, "SELECT count(*) FROM rejected_decisions WHERE decision_id = @DecisionId", new { decision.DecisionId }));
        Assert.Equal(
            [first.DecisionId],
            (await HumanGateFixture.QueryAsync<Guid>(
                fixture.AllocationsDatabase, "SELECT decision_id FROM adjustments WHERE recipient_id = @recipient", new { recipient })).ToArray());
        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(2)}");
        Assert.Equal(250m, allocation.GetProperty("amountDue").GetDecimal());
    }

    [Fact]
    public async Task AGenuinelySignedDecision_ForADistinctBreach_WithinTheCap_IsApplied_AlongsideTheFirst()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m, householdSize: 1);
        await AppliedAsync(Genuine(recipient, 50, 2, fixture.MonthFromNow(1), "2026-W40", "2026-W43"));
        await AppliedAsync(Genuine(recipient, 30, 1, fixture.MonthFromNow(2), "2026-W30", "2026-W33"));

        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={fixture.MonthFromNow(2)}");
        Assert.Equal(100m, allocation.GetProperty("amountDue").GetDecimal());
    }
}
