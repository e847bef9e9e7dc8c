using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;
using Platform.Contracts.Rules;

namespace Platform.IntegrationTests.Review;

/// <summary>The human gate end to end: the review and allocations services on a real broker and real databases.</summary>
public sealed class HumanGateFlowTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    [Fact]
    public async Task FullPath_FlagToCaseToProposalToObservationToSignedDecision_ChangesTheAmountDue()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 646.52m, householdSize: 1);
        var (flagId, caseId) = await fixture.RaiseFlagAsync(recipient);

        // The queue shows the flag's facts and explanation, and no score.
        var queue = await fixture.CounsellorClient().GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
        var listed = queue.GetProperty("items").EnumerateArray().Single(item => item.GetProperty("caseId").GetGuid() == caseId);
        Assert.Equal(flagId, listed.GetProperty("flag").GetProperty("flagId").GetGuid());
        Assert.Equal(15, listed.GetProperty("flag").GetProperty("facts").GetProperty("engagementHours").GetInt32());
        Assert.StartsWith("Heures déclarées", listed.GetProperty("flag").GetProperty("explanation").GetProperty("fr").GetString(), StringComparison.Ordinal);
        Assert.True(listed.GetProperty("flag").GetProperty("sanctionEligible").GetBoolean());
        Assert.DoesNotContain("score", listed.GetRawText(), StringComparison.OrdinalIgnoreCase);

        var counsellor = fixture.CounsellorClient();
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        await fixture.Events.WaitForAsync<CaseClaimed>(e => e.CaseId == caseId && e.ClaimedBy == HumanGateFixture.Counsellor);

        var proposed = await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/sanction-proposals",
            new { percent = 50, months = 2, startMonth = fixture.MonthFromNow(1), reason = "Trois semaines sur quatre sans les heures prévues.", assessment = HumanGateFixture.Assessment });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        Assert.Equal("pending", proposal.GetProperty("state").GetString());
        Assert.Equal(fixture.Clock.GetUtcNow().AddDays(15), proposal.GetProperty("answerBy").GetDateTimeOffset());
        await fixture.Events.WaitForAsync<SanctionProposed>(e => e.ProposalId == proposalId && e.Percent == 50 && !e.RepeatedBreach);
        var notified = await fixture.Events.WaitForAsync<RecipientNotified>(e => e.ProposalId == proposalId);
        Assert.Equal(fixture.Clock.GetUtcNow().AddDays(15), notified.AnswerBy);
        Assert.Equal(15, notified.Facts!.Value.GetProperty("engagementHours").GetInt32());
        await fixture.AcknowledgeAsync(recipient, notified.NotificationId);

        // The recipient sees the flag, the proposal and the CRPA explanation, and answers.
        var me = fixture.Review.ClientFor("recipient", recipient);
        var flags = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/flags");
        var mine = Assert.Single(flags.GetProperty("flags").EnumerateArray());
        Assert.Equal("proposed", mine.GetProperty("state").GetString());
        Assert.Equal(proposalId, mine.GetProperty("proposals")[0].GetProperty("proposalId").GetGuid());
        var explanation = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/flags/{flagId}/explanation");
        Assert.Contains("automatisé", explanation.GetProperty("degreeAndModeOfContribution").GetProperty("fr").GetString(), StringComparison.Ordinal);
        Assert.Contains("windowWeeks = 4", explanation.GetProperty("parametersAsApplied").GetProperty("en").GetString(), StringComparison.Ordinal);
        var observed = await me.PostAsJsonAsync($"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "J'étais malade ces semaines-là." });
        Assert.Equal(HttpStatusCode.Created, observed.StatusCode);
        await fixture.Events.WaitForAsync<ObservationReceived>(e => e.FlagId == flagId);

        // The supervisor reads the observation in the case; a first observation does not close the answer window (the
        // person may have more to say), so approving now is refused.
        var forSupervisor = await fixture.SupervisorClient().GetFromJsonAsync<JsonElement>($"/api/review/cases/{caseId}");
        Assert.Equal("J'étais malade ces semaines-là.", forSupervisor.GetProperty("observations")[0].GetProperty("text").GetString());
        Assert.Equal("proposed", forSupervisor.GetProperty("state").GetString());
        var secondMonth = fixture.MonthFromNow(2);
        var monthAfter = fixture.MonthFromNow(3);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var tooEarly = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Observations lues ; manquement établi." });
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Equal(ProblemBase + "observation-window-open", (await tooEarly.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        // The person then says they have nothing to add: the window closes, and the supervisor, not being the proposer, approves.
        var nothingMore = await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Je n'ai rien à ajouter.", nothingToAdd = true });
        Assert.Equal(HttpStatusCode.Created, nothingMore.StatusCode);
        var saidAt = (await nothingMore.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("receivedAt").GetDateTimeOffset();
        await fixture.Events.WaitForAsync<ObservationReceived>(e => e.FlagId == flagId && e.NothingToAdd);
        fixture.Clock.Advance(TimeSpan.FromHours(1));
        var approved = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Observations lues ; manquement établi." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.Equal(HumanGateFixture.KeyId, decision.KeyId);
        Assert.True(fixture.Verifies(decision));
        Assert.Equal((HumanGateFixture.Counsellor, HumanGateFixture.Supervisor), (decision.ProposedBy, decision.ApprovedBy));
        Assert.Equal(notified.NotificationId, decision.NotificationId);
        Assert.NotNull(decision.ObservationReceivedAt);
        Assert.Equal((WindowClosure.NothingToAdd, saidAt), (decision.WindowClosedBy, decision.WindowClosedAt!.Value));

        var adjusted = await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        Assert.Equal(323.26m, adjusted.MonthlyAmountWithheld);

        var allocation = await fixture.Allocations.ClientFor("recipient", recipient)
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={secondMonth}");
        Assert.Equal(646.52m, allocation.GetProperty("baseAmount").GetDecimal());
        Assert.Equal(323.26m, allocation.GetProperty("amountDue").GetDecimal());
        var line = Assert.Single(allocation.GetProperty("adjustments").EnumerateArray());
        Assert.Equal(decision.DecisionId, line.GetProperty("decisionId").GetGuid());
        Assert.Equal(HumanGateFixture.KeyId, line.GetProperty("keyId").GetString());
        Assert.Equal(323.26m, line.GetProperty("amount").GetDecimal());
        var after = await fixture.Allocations.ClientFor("counsellor", "agent-x")
            .GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/allocation?month={monthAfter}");
        Assert.Equal(646.52m, after.GetProperty("amountDue").GetDecimal());
        Assert.Empty(after.GetProperty("adjustments").EnumerateArray());
    }

    [Fact]
    public async Task Approve_ByTheProposer_Returns403ForbiddenSelfApproval_AndDecidesNothing()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromDays(16));

        // The same person, now holding a supervisor token.
        var response = await fixture.SupervisorClient(HumanGateFixture.Counsellor)
            .PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Je confirme ma propre proposition." });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "forbidden-self-approval", problem.GetProperty("type").GetString());
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SanctionDecided>(TimeSpan.FromSeconds(1), e => e.ProposalId == proposalId));
    }

    [Fact]
    public async Task Approve_InsideTheWindowWithoutObservation_Returns409_ButRejectingIsAllowed()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromDays(5));

        var supervisor = fixture.SupervisorClient();
        var response = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Manquement établi." });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(ProblemBase + "observation-window-open", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        var rejected = await supervisor.PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/reject", new { reason = "Disproportionné." });
        Assert.Equal(HttpStatusCode.OK, rejected.StatusCode);
        await fixture.Events.WaitForAsync<SanctionRejected>(e => e.ProposalId == proposalId && e.RejectedBy == HumanGateFixture.Supervisor);
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<SanctionDecided>(TimeSpan.FromSeconds(1), e => e.ProposalId == proposalId));
    }

    [Fact]
    public async Task Approve_AfterTheWindowClosed_WithoutObservation_IsAllowed()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, householdSize: 3);
        var (_, _, proposal) = await fixture.ProposeAsync(recipient, percent: 40, months: 1);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromDays(15));

        var response = await fixture.SupervisorClient().PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Pas de réponse." });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.Null(decision.ObservationReceivedAt);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId && e.Percent == 40);
    }

    [Fact]
    public async Task Propose_AboveTheHouseholdCap_OrOnANonEligibleFlag_IsRefused()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, householdSize: 1, loneParent: true);
        var (_, caseId) = await fixture.RaiseFlagAsync(recipient);
        var counsellor = fixture.CounsellorClient();
        await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null);

        var capped = await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/sanction-proposals", new { percent = 60, months = 3, startMonth = fixture.MonthFromNow(1), reason = "Motif.", assessment = HumanGateFixture.Assessment });

        Assert.Equal((HttpStatusCode)422, capped.StatusCode);
        var problem = await capped.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "validation", problem.GetProperty("type").GetString());
        Assert.Contains("50 %", problem.GetProperty("errors").GetProperty("percent")[0].GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("months", out _));

        var (_, otherCase) = await fixture.RaiseFlagAsync(recipient, sanctionEligible: false);
        await counsellor.PostAsync($"/api/review/cases/{otherCase}/claim", null);
        var notAllowed = await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{otherCase}/sanction-proposals", new { percent = 30, months = 1, startMonth = fixture.MonthFromNow(1), reason = "Motif.", assessment = HumanGateFixture.Assessment });
        Assert.Equal(HttpStatusCode.Conflict, notAllowed.StatusCode);
        Assert.Equal(ProblemBase + "sanction-not-allowed", (await notAllowed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Dismiss_WithoutAReason_Returns422_WithAReason_ClosesAndPublishesFlagDismissed()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (flagId, caseId) = await fixture.RaiseFlagAsync(recipient);
        var counsellor = fixture.CounsellorClient();
        Assert.Equal(HttpStatusCode.Conflict, (await counsellor.PostAsJsonAsync($"/api/review/cases/{caseId}/dismiss", new { reason = "x" })).StatusCode);
        await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null);

        var empty = await counsellor.PostAsJsonAsync($"/api/review/cases/{caseId}/dismiss", new { reason = "  " });
        var english = new HttpRequestMessage(HttpMethod.Post, $"/api/review/cases/{caseId}/dismiss") { Content = JsonContent.Create(new { reason = "" }) };
        english.Headers.AcceptLanguage.ParseAdd("en");
        var emptyInEnglish = await counsellor.SendAsync(english);
        var other = await fixture.CounsellorClient("agent-c2").PostAsJsonAsync($"/api/review/cases/{caseId}/dismiss", new { reason = "Pas le mien." });
        var dismissed = await counsellor.PostAsJsonAsync($"/api/review/cases/{caseId}/dismiss", new { reason = "Heures de santé non déclarables, vu en entretien." });

        Assert.Equal((HttpStatusCode)422, empty.StatusCode);
        Assert.StartsWith("Un motif écrit", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("reason")[0].GetString(), StringComparison.Ordinal);
        Assert.StartsWith("A written reason", (await emptyInEnglish.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("reason")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, dismissed.StatusCode);
        Assert.Equal("dismissed", (await dismissed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        var e = await fixture.Events.WaitForAsync<FlagDismissed>(e => e.FlagId == flagId);
        Assert.Equal(HumanGateFixture.Counsellor, e.DismissedBy);
    }

    [Fact]
    public async Task Resolve_WithASupportAction_PublishesFlagResolved()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (flagId, caseId) = await fixture.RaiseFlagAsync(recipient);
        var counsellor = fixture.CounsellorClient();
        await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null);

        var resolved = await counsellor.PostAsJsonAsync(
            $"/api/review/cases/{caseId}/resolve", new { supportAction = "Aide à la garde d'enfant", reason = "Contrainte de garde." });

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var e = await fixture.Events.WaitForAsync<FlagResolved>(e => e.FlagId == flagId);
        Assert.Equal("Aide à la garde d'enfant", e.SupportAction);
    }

    [Fact]
    public async Task FlagWithdrawn_ClosesTheCaseAndVoidsAPendingProposal()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (flagId, caseId, proposal) = await fixture.ProposeAsync(recipient);

        await fixture.Events.PublishRawAsync(
            new FlagWithdrawn(flagId, recipient, "2026-W47", "repeated-shortfall", 1, new Explanation("Déclaration corrigée.", "Declaration amended.")),
            Guid.NewGuid());

        await HumanGateFixture.WaitUntilAsync(fixture.ReviewDatabase, "SELECT count(*) FROM cases WHERE case_id = @caseId AND state = 'withdrawn'", new { caseId });
        fixture.Clock.Advance(TimeSpan.FromDays(16));
        var approve = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Trop tard." });
        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
    }

    [Fact]
    public async Task Observation_WithTheSameIdempotencyKey_IsStoredOnce_AndADifferentBodyIsRefused()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (flagId, _) = await fixture.RaiseFlagAsync(recipient);
        var me = fixture.Review.ClientFor("recipient", recipient);
        var url = $"/api/recipients/{recipient}/flags/{flagId}/observations";

        async Task<HttpResponseMessage> Send(string text)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { text }) };
            request.Headers.Add("Idempotency-Key", "obs-1");
            return await me.SendAsync(request);
        }

        var first = await Send("Je suivais une formation.");
        var again = await Send("Je suivais une formation.");
        var different = await Send("Autre chose.");

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("observationId").GetGuid(),
            (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("observationId").GetGuid());
        Assert.Equal((HttpStatusCode)422, different.StatusCode);
        Assert.Equal(1, await HumanGateFixture.ScalarAsync<long>(fixture.ReviewDatabase, "SELECT count(*) FROM observations WHERE flag_id = @flagId", new { flagId }));
    }

    [Fact]
    public async Task Flags_AreVisibleOnlyToThatRecipient()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (flagId, _) = await fixture.RaiseFlagAsync(recipient);

        var someoneElse = await fixture.Review.ClientFor("recipient", "r-other").GetAsync($"/api/recipients/{recipient}/flags/{flagId}/explanation");
        var counsellor = await fixture.CounsellorClient().GetAsync($"/api/recipients/{recipient}/flags");

        Assert.Equal(HttpStatusCode.Forbidden, someoneElse.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, counsellor.StatusCode);
    }

    [Fact]
    public async Task ASecondSanction_AfterAnApprovedOne_IsARepeatedBreach_AllowingUpTo4Months_AndIsApplied()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m);
        var (firstFlag, _, first) = await fixture.ProposeAsync(recipient, percent: 30, months: 1);
        await fixture.Review.ClientFor("recipient", recipient)
            .PostAsJsonAsync($"/api/recipients/{recipient}/flags/{firstFlag}/observations", new { text = "Je n'ai rien à ajouter.", nothingToAdd = true });
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var firstApproval = await fixture.SupervisorClient().PostAsJsonAsync(
            $"/api/review/sanction-proposals/{first.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Établi." });
        Assert.Equal(HttpStatusCode.OK, firstApproval.StatusCode);
        var firstDecision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.RecipientId == recipient);
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == firstDecision.DecisionId);

        // A new breach: short weeks that began after the first decision (a breach is repeated only then).
        fixture.Clock.Advance(TimeSpan.FromDays(35));
        var (_, _, second) = await fixture.ProposeAsync(recipient, percent: 100, months: 4, startMonth: fixture.MonthFromNow(3), week: fixture.CurrentWeek());

        Assert.True(second.GetProperty("repeatedBreach").GetBoolean());
        var proposalId = second.GetProperty("proposalId").GetGuid();
        fixture.Clock.Advance(TimeSpan.FromDays(15));
        Assert.Equal(HttpStatusCode.OK, (await fixture.SupervisorClient("agent-s2").PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Récidive." })).StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.True(decision.RepeatedBreach);
        var adjusted = await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
        Assert.Equal(500m, adjusted.MonthlyAmountWithheld);
    }

    [Fact]
    public async Task Propose_SentTwiceWithTheSameIdempotencyKey_CreatesOneProposalAndOneNotification()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient);
        var (_, caseId) = await fixture.RaiseFlagAsync(recipient);
        var counsellor = fixture.CounsellorClient();
        await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null);
        var body = new { percent = 30, months = 1, startMonth = fixture.MonthFromNow(1), reason = "Manquement répété.", assessment = HumanGateFixture.Assessment };

        async Task<HttpResponseMessage> Send()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/api/review/cases/{caseId}/sanction-proposals") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", "proposal-1");
            return await counsellor.SendAsync(request);
        }

        var first = await Send();
        var retry = await Send();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        var proposalId = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proposalId").GetGuid();
        Assert.Equal(proposalId, (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("proposalId").GetGuid());
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<RecipientNotified>(TimeSpan.FromSeconds(1), e => e.CaseId == caseId));
    }

    [Fact]
    public async Task BothServices_AnswerHealthAndServeTheirOpenApiDocument()
    {
        foreach (var client in new[] { fixture.Review.CreateClient(), fixture.Allocations.CreateClient() })
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready")).StatusCode);
            var openApi = await client.GetAsync("/openapi/v1.json");
            Assert.Equal(HttpStatusCode.OK, openApi.StatusCode);
            Assert.Contains("/api/recipients/{recipientId}/", await openApi.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Queue_IsOldestFirst_AndRefusesAnUnknownStatusOrPageSize()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (_, older) = await fixture.RaiseFlagAsync(recipient);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, newer) = await fixture.RaiseFlagAsync(recipient);
        var counsellor = fixture.CounsellorClient();

        var queue = await counsellor.GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
        var order = queue.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("caseId").GetGuid()).ToList();
        var bogus = await counsellor.GetAsync("/api/review/cases?status=risky");
        var tooBig = await counsellor.GetAsync("/api/review/cases?pageSize=1000");
        var recipientAsks = await fixture.Review.ClientFor("recipient", recipient).GetAsync("/api/review/cases");

        Assert.True(order.IndexOf(older) < order.IndexOf(newer));
        var openedAt = queue.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("openedAt").GetDateTimeOffset()).ToList();
        Assert.Equal(openedAt.Order(), openedAt);
        Assert.Equal((HttpStatusCode)422, bogus.StatusCode);
        Assert.Equal((HttpStatusCode)422, tooBig.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, recipientAsks.StatusCode);
    }

    [Fact]
    public async Task Queue_RefusesAPageBeyondItsBound_NamingTheField_AndServesTheLastAllowedPageEmpty()
    {
        var counsellor = fixture.CounsellorClient();

        var overflowing = await counsellor.GetAsync("/api/review/cases?page=2147483647&pageSize=100");
        var zero = await counsellor.GetAsync("/api/review/cases?page=0");
        var far = await counsellor.GetFromJsonAsync<JsonElement>("/api/review/cases?page=1000000&pageSize=100");

        Assert.Equal((HttpStatusCode)422, overflowing.StatusCode);
        var problem = await overflowing.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(ProblemBase + "validation", problem.GetProperty("type").GetString());
        Assert.Equal(["page"], problem.GetProperty("errors").EnumerateObject().Select(field => field.Name));
        Assert.Equal((HttpStatusCode)422, zero.StatusCode);
        Assert.Equal(1_000_000, far.GetProperty("page").GetInt32());
        Assert.Empty(far.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Queue_NarrowedToOneRecipient_ShowsOnlyTheirCases()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (_, mine) = await fixture.RaiseFlagAsync(recipient);
        await fixture.RaiseFlagAsync(HumanGateFixture.NewRecipient());

        var queue = await fixture.CounsellorClient().GetFromJsonAsync<JsonElement>($"/api/review/cases?status=open&recipient={recipient}");

        var item = Assert.Single(queue.GetProperty("items").EnumerateArray());
        Assert.Equal(mine, item.GetProperty("caseId").GetGuid());
        Assert.Equal(1, queue.GetProperty("total").GetInt64());
    }
}
