using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts.Allocations;
using Platform.Contracts.Review;

namespace Platform.IntegrationTests.Review;

/// <summary>
/// The right to be heard and the answer window (CASF L262-37, décret n° 2025-478 du 30 mai 2025), over HTTP against the
/// real review and allocations services, RabbitMQ and PostgreSQL: a first observation no longer closes the window; the
/// person's « nothing to add », the deadline or the hearing they asked for do, and the signed decision says which; while
/// a requested hearing is not held, nothing can be approved.
/// </summary>
public sealed class HearingTests(HumanGateFixture fixture) : IClassFixture<HumanGateFixture>
{
    private const string ProblemBase = "https://xp-rsa.example/problems/";

    private static async Task<string?> TypeOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString();

    private Task<HttpResponseMessage> ApproveAsync(Guid proposalId) =>
        fixture.SupervisorClient().PostAsJsonAsync($"/api/review/sanction-proposals/{proposalId}/approve", new { reason = "Observations lues ; manquement établi." });

    [Fact]
    public async Task Approve_BeforeTheDeadline_AfterOneObservation_Is409_ThenAfterNothingToAdd_Is200_AndTheDecisionSaysSo()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m);
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var me = fixture.Review.ClientFor("recipient", recipient);

        Assert.Equal(HttpStatusCode.Created, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "J'étais malade, un certificat suit." })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var early = await ApproveAsync(proposalId);
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(ProblemBase + "observation-window-open", await TypeOf(early));

        var said = await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Voici le certificat ; je n'ai rien à ajouter.", nothingToAdd = true });
        Assert.Equal(HttpStatusCode.Created, said.StatusCode);
        var saidAt = (await said.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("receivedAt").GetDateTimeOffset();
        fixture.Clock.Advance(TimeSpan.FromMinutes(5));
        var approved = await ApproveAsync(proposalId);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.True(fixture.Verifies(decision));
        Assert.Equal((WindowClosure.NothingToAdd, saidAt), (decision.WindowClosedBy, decision.WindowClosedAt!.Value));
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
    }

    [Fact]
    public async Task ARequestedHearing_BlocksApproval_UntilScheduledAndRecorded_ThenApprovalIs200_ClosedByTheHearing()
    {
        var recipient = HumanGateFixture.NewRecipient();
        await fixture.SetAllocationAsync(recipient, monthly: 500m);
        // Starting two months on: the hearing is held after the deadline, still before the sanction's start.
        var (flagId, caseId, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1, startMonth: fixture.MonthFromNow(2));
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var me = fixture.Review.ClientFor("recipient", recipient);
        var counsellor = fixture.CounsellorClient();

        var requested = await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/notices/{noticeId}/hearing", new { assistantName = "Mme Martin", assistantRole = "Association Entraide" });
        Assert.Equal(HttpStatusCode.OK, requested.StatusCode);
        Assert.Equal("requested", (await requested.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hearing").GetProperty("state").GetString());
        var asked = await fixture.Events.WaitForAsync<HearingRequested>(e => e.ProposalId == proposalId);
        Assert.Equal((recipient, "Mme Martin", "Association Entraide"), (asked.RequestedBy, asked.AssistantName, asked.AssistantRole));

        // A second request, and « nothing to add » while the hearing waits, change nothing to the block.
        var again = await me.PostAsJsonAsync($"/api/recipients/{recipient}/notices/{noticeId}/hearing", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(ProblemBase + "hearing-already-requested", await TypeOf(again));
        Assert.Equal(HttpStatusCode.Created, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Je n'ai rien à ajouter.", nothingToAdd = true })).StatusCode);
        var pending = await ApproveAsync(proposalId);
        Assert.Equal(HttpStatusCode.Conflict, pending.StatusCode);
        Assert.Equal(ProblemBase + "hearing-pending", await TypeOf(pending));

        // The notice the person reads shows the hearing's state.
        var notice = await me.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipient}/notices/{noticeId}");
        Assert.Equal("requested", notice.GetProperty("hearing").GetProperty("state").GetString());

        // Recording before it is scheduled, or before its time, is refused.
        var unscheduled = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/record", new { personAttended = false, summary = "Absent." });
        Assert.Equal(HttpStatusCode.Conflict, unscheduled.StatusCode);
        Assert.Equal(ProblemBase + "hearing-not-scheduled", await TypeOf(unscheduled));
        var at = fixture.Clock.GetUtcNow().AddDays(3);
        var scheduled = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/schedule", new { scheduledAt = at, place = "Agence de Saint-Denis, 3 rue de la Gare" });
        Assert.Equal(HttpStatusCode.OK, scheduled.StatusCode);
        await fixture.Events.WaitForAsync<HearingScheduled>(e => e.ProposalId == proposalId && e.ScheduledAt == at);
        var tooSoon = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/record", new { personAttended = true, attendees = "L'allocataire", summary = "Entendu." });
        Assert.Equal(HttpStatusCode.Conflict, tooSoon.StatusCode);
        Assert.Equal(ProblemBase + "hearing-not-yet-due", await TypeOf(tooSoon));

        // Past the deadline, the hearing still blocks approval.
        fixture.Clock.Advance(TimeSpan.FromDays(16));
        Assert.Equal(ProblemBase + "hearing-pending", await TypeOf(await ApproveAsync(proposalId)));

        var recorded = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/record",
            new
            {
                personAttended = true,
                attendees = "L'allocataire, Mme Martin (Association Entraide), M. Durand (conseiller)",
                summary = "L'allocataire explique une hospitalisation ; justificatif promis sous huit jours.",
            });
        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        var held = await fixture.Events.WaitForAsync<HearingHeld>(e => e.ProposalId == proposalId);
        Assert.True(held.PersonAttended);
        var caseView = await counsellor.GetFromJsonAsync<JsonElement>($"/api/review/cases/{caseId}");
        Assert.Equal("held", caseView.GetProperty("proposals")[0].GetProperty("hearing").GetProperty("state").GetString());

        fixture.Clock.Advance(TimeSpan.FromMinutes(10));
        var approved = await ApproveAsync(proposalId);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        var decision = await fixture.Events.WaitForAsync<SanctionDecided>(e => e.ProposalId == proposalId);
        Assert.Equal((WindowClosure.Hearing, held.HeldAt), (decision.WindowClosedBy, decision.WindowClosedAt!.Value));
        await fixture.Events.WaitForAsync<AllocationAdjusted>(e => e.DecisionId == decision.DecisionId);
    }

    [Fact]
    public async Task HearingRoutes_RefuseBadInput_NamingTheField_AndWriteNothing()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (_, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1);
        var proposalId = proposal.GetProperty("proposalId").GetGuid();
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var counsellor = fixture.CounsellorClient();

        // Scheduling or recording a hearing nobody asked for.
        var none = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/schedule", new { scheduledAt = fixture.Clock.GetUtcNow().AddDays(2), place = "Agence" });
        Assert.Equal(ProblemBase + "no-hearing-requested", await TypeOf(none));

        var roleWithoutName = await counsellor.PostAsJsonAsync($"/api/recipients/{recipient}/notices/{noticeId}/hearing", new { assistantRole = "avocat" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, roleWithoutName.StatusCode);
        Assert.True((await roleWithoutName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("assistantRole", out _));
        Assert.Equal(0, await HumanGateFixture.ScalarAsync<long>(fixture.ReviewDatabase, "SELECT count(*) FROM hearings WHERE proposal_id = @proposalId", new { proposalId }));

        // A counsellor asks for the person.
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsJsonAsync($"/api/recipients/{recipient}/notices/{noticeId}/hearing", new { })).StatusCode);

        var past = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/schedule", new { scheduledAt = fixture.Clock.GetUtcNow().AddHours(-1), place = "Agence" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, past.StatusCode);
        Assert.True((await past.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("scheduledAt", out _));
        var noPlace = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/schedule", new { scheduledAt = fixture.Clock.GetUtcNow().AddDays(1), place = " " });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noPlace.StatusCode);
        Assert.True((await noPlace.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("place", out _));
        Assert.Equal("requested", await HumanGateFixture.ScalarAsync<string>(
            fixture.ReviewDatabase, "SELECT state FROM hearings WHERE proposal_id = @proposalId", new { proposalId }));

        var attendedWithoutAttendees = await counsellor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposalId}/hearing/record", new { personAttended = true, summary = "Entendu." });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, attendedWithoutAttendees.StatusCode);
        Assert.True((await attendedWithoutAttendees.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("attendees", out _));
    }

    [Fact]
    public async Task AHearing_AskedForAfterTheWindowClosed_IsRefused()
    {
        var recipient = HumanGateFixture.NewRecipient();
        var (flagId, _, proposal) = await fixture.ProposeAsync(recipient, percent: 30, months: 1);
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        var me = fixture.Review.ClientFor("recipient", recipient);
        Assert.Equal(HttpStatusCode.Created, (await me.PostAsJsonAsync(
            $"/api/recipients/{recipient}/flags/{flagId}/observations", new { text = "Rien à ajouter.", nothingToAdd = true })).StatusCode);
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));

        var late = await me.PostAsJsonAsync($"/api/recipients/{recipient}/notices/{noticeId}/hearing", new { assistantName = "Mon frère" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal(ProblemBase + "answer-window-closed", await TypeOf(late));
    }
}
