using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Platform.Rules.Calendar;

namespace Platform.WebTests;

/// <summary>What happens off-screen before a page is looked at: a counsellor's engagement, a recipient's weeks, through the real APIs.</summary>
internal static class Backstage
{
    public static IsoWeek ThisWeek => WeekCalendar.WeekOf(DateTimeOffset.UtcNow);

    /// <summary>
    /// Sets a 15-hour engagement and declares <paramref name="weeks"/> short weeks (2 hours each) ending last week. The
    /// recipient is placed in <paramref name="departement"/> when one is named, else left unplaced (national agents only).
    /// </summary>
    public static async Task DeclareShortWeeksAsync(WebPlatform platform, string recipientId, int weeks, string? departement = null)
    {
        using var counsellor = platform.Services.ClientFor("declarations", "counsellor", "agent-backstage");
        var engagement = await counsellor.PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 15, fromWeek = ThisWeek.AddWeeks(-6).ToString(), departement });
        Assert.Equal(HttpStatusCode.OK, engagement.StatusCode);

        using var recipient = platform.Services.ClientFor("declarations", "recipient", recipientId);
        for (var back = weeks; back >= 1; back--)
        {
            var week = ThisWeek.AddWeeks(-back);
            var response = await recipient.PutAsJsonAsync($"/api/recipients/{recipientId}/declarations/{week}", new
            {
                activities = new[] { new { category = "job-search", date = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), hours = 2m } },
            });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }
    }

    /// <summary>Waits until the review queue holds an open case of <paramref name="ruleId"/> for the recipient; returns its id.</summary>
    public static async Task<Guid> OpenCaseAsync(WebPlatform platform, string recipientId, string ruleId)
    {
        using var review = platform.Services.ClientFor("review", "counsellor", "agent-backstage");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var queue = await review.GetFromJsonAsync<JsonElement>("/api/review/cases?status=open&pageSize=100");
            var found = queue.GetProperty("items").EnumerateArray()
                .Where(item => item.GetProperty("flag").GetProperty("recipientId").GetString() == recipientId
                    && item.GetProperty("flag").GetProperty("ruleId").GetString() == ruleId)
                .Select(item => (Guid?)item.GetProperty("caseId").GetGuid())
                .FirstOrDefault();
            if (found is { } caseId)
            {
                return caseId;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No open {ruleId} case for {recipientId} after 60 s.");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>
    /// Through the real APIs, as <see cref="DecisionPagesTests"/> does on the pages: an allocation from the payer, then
    /// <see cref="ApproveSanctionAsync"/>, applied by the allocations service. Returns the signed decision's id.
    /// </summary>
    public static async Task<Guid> SuspendAsync(WebPlatform platform, string recipientId, string nextMonth)
    {
        var thisMonth = Months.Format(Months.Of(DateTimeOffset.UtcNow));
        using (var payer = platform.Services.ClientFor("allocations", "payer", "caf-web"))
        {
            Assert.Equal(HttpStatusCode.OK, (await payer.PutAsJsonAsync($"/api/recipients/{recipientId}/allocation",
                new { monthlyBaseAmount = 646.52m, householdSize = 1, loneParentIncrease = false, fromMonth = thisMonth })).StatusCode);
        }

        var decisionId = await ApproveSanctionAsync(platform, recipientId, "agent-web-lea", nextMonth);
        using var allocations = platform.Services.ClientFor("allocations", "recipient", recipientId);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await allocations.GetFromJsonAsync<JsonElement>($"/api/recipients/{recipientId}/allocation?month={nextMonth}"))
               .GetProperty("adjustments").GetArrayLength() == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "The allocation was not adjusted within 60 s.");
            await Task.Delay(250);
        }

        return decisionId;
    }

    /// <summary>
    /// Three short weeks, then a 30 % one-month suspension from <paramref name="startMonth"/> proposed by
    /// <paramref name="proposer"/>, heard (the notice acknowledged, an observation with nothing to add) and approved by a
    /// second person holding a delegation (agent-web-samir). Returns the signed decision's id.
    /// </summary>
    public static async Task<Guid> ApproveSanctionAsync(WebPlatform platform, string recipientId, string proposer, string startMonth)
    {
        await DeclareShortWeeksAsync(platform, recipientId, 3);
        var caseId = await OpenCaseAsync(platform, recipientId, "repeated-shortfall");
        using var counsellor = platform.Services.ClientFor("review", "counsellor", proposer);
        Assert.Equal(HttpStatusCode.OK, (await counsellor.PostAsync($"/api/review/cases/{caseId}/claim", null)).StatusCode);
        var proposed = await counsellor.PostAsJsonAsync($"/api/review/cases/{caseId}/sanction-proposals",
            new
            {
                percent = 30, months = 1, startMonth, reason = "Trois semaines sous l'engagement sans explication.",
                assessment = new
                {
                    vulnerability = "Aucune vulnérabilité connue.", dependants = "Personne seule.",
                    natureAndFrequency = "Trois semaines sous l'engagement.", consequences = "Loyer couvert par l'aide au logement.",
                },
            });
        Assert.Equal(HttpStatusCode.Created, proposed.StatusCode);
        var proposal = await proposed.Content.ReadFromJsonAsync<JsonElement>();
        var flagId = (await counsellor.GetFromJsonAsync<JsonElement>($"/api/review/cases/{caseId}")).GetProperty("flag").GetProperty("flagId").GetGuid();

        using var recipient = platform.Services.ClientFor("review", "recipient", recipientId);
        var noticeId = proposal.GetProperty("notificationId").GetGuid();
        Assert.Equal(HttpStatusCode.OK, (await recipient.PostAsync($"/api/recipients/{recipientId}/notices/{noticeId}/acknowledgement", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await recipient.PostAsJsonAsync(
            $"/api/recipients/{recipientId}/flags/{flagId}/observations", new { text = "J'étais malade deux de ces semaines.", nothingToAdd = true })).StatusCode);

        using var supervisor = platform.Services.ClientFor("review", "supervisor", "agent-web-samir");
        var approved = await supervisor.PostAsJsonAsync(
            $"/api/review/sanction-proposals/{proposal.GetProperty("proposalId").GetGuid()}/approve", new { reason = "Manquement établi en entretien." });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        return (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("decisionId").GetGuid();
    }
}
