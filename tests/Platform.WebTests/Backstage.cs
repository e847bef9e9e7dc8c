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

    /// <summary>Sets a 15-hour engagement and declares <paramref name="weeks"/> short weeks (2 hours each) ending last week.</summary>
    public static async Task DeclareShortWeeksAsync(WebPlatform platform, string recipientId, int weeks)
    {
        using var counsellor = platform.Services.ClientFor("declarations", "counsellor", "agent-backstage");
        var engagement = await counsellor.PutAsJsonAsync(
            $"/api/recipients/{recipientId}/engagement", new { hoursPerWeek = 15, fromWeek = ThisWeek.AddWeeks(-6).ToString() });
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
}
