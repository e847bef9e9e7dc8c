using Platform.Contracts.Rules;
using Platform.Rules.Calendar;
using Platform.Rules.Catalogue;

namespace Platform.IntegrationTests.Rules;

/// <summary>
/// The deadline job on a controlled clock, with two instances of the service on one database and one virtual host:
/// each deadline gives each recipient who owes hours and did not declare exactly one missing-declaration flag.
/// </summary>
public sealed class DeadlineTests(RulesFixture fixture) : IClassFixture<RulesFixture>
{
    private const string MissingFlags =
        "SELECT count(*) FROM flags WHERE recipient_id = @recipient AND week = @week AND rule_id = 'declaration-missing'";

    [Fact]
    public async Task Deadline_WithTwoInstances_RaisesOneMissingFlagPerRecipient_ALateDeclarationWithdrawsIt_AndDowntimeIsCaughtUp()
    {
        var owes = RulesFixture.NewRecipient();
        var zeroHours = RulesFixture.NewRecipient();
        var declared = RulesFixture.NewRecipient();
        var startsLater = RulesFixture.NewRecipient();
        await using var second = fixture.StartService();
        _ = second.Server;

        await fixture.PublishAsync(RulesFixture.Engagement(owes, 15, "2026-W40"));
        await fixture.PublishAsync(RulesFixture.Engagement(zeroHours, 0, "2026-W40"));
        await fixture.PublishAsync(RulesFixture.Engagement(declared, 15, "2026-W40"));
        await fixture.PublishAsync(RulesFixture.Engagement(startsLater, 10, "2026-W49"));
        await fixture.PublishAsync(RulesFixture.Declaration(declared, "2026-W48", 1, 15m));
        await fixture.WaitForCountAsync("SELECT count(*) FROM engagements", null, 4);
        await fixture.WaitForCountAsync("SELECT count(*) FROM declarations", null, 1);

        // 2026-W48's deadline: Tuesday 2026-12-01 00:00 in Paris, 2026-11-30 23:00 UTC. Both instances wake up.
        fixture.Clock.SetUtcNow(WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W48")).AddMinutes(1));

        var missing = await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == owes && e.RuleId == DeclarationMissing.Id);
        Assert.Equal("2026-W48", missing.Week);
        Assert.Equal(15m, missing.Facts.GetProperty("engagementHoursPerWeek").GetDecimal());
        Assert.False(missing.Facts.GetProperty("declared").GetBoolean());
        Assert.True(Platform.Rules.RuleReplay.WouldRaise(missing.RuleId, missing.RuleVersion, missing.Facts, missing.Parameters));
        Assert.Equal(1, await fixture.Events.CountAfterQuietAsync<FlagRaised>(TimeSpan.FromSeconds(3), e => e.RuleId == DeclarationMissing.Id));
        Assert.Equal(1, await fixture.CountAsync(MissingFlags, new { recipient = owes, week = "2026-W48" }));
        await fixture.WaitForCountAsync("SELECT count(*) FROM processed_deadlines WHERE week = '2026-W48'", null, 1);
        Assert.Equal(1, await fixture.CountAsync("SELECT count(*) FROM flags"));

        // A late declaration (even a short one) answers the missing-declaration question: that flag is withdrawn.
        await fixture.PublishAsync(RulesFixture.Declaration(owes, "2026-W48", 1, 15m) with { Late = true });
        var withdrawn = await fixture.Events.WaitForAsync<FlagWithdrawn>(e => e.RecipientId == owes);
        Assert.Equal(missing.FlagId, withdrawn.FlagId);

        // Both instances down across two deadlines; one comes back and catches up, once.
        await second.DisposeAsync();
        await fixture.Service.DisposeAsync();
        fixture.Clock.SetUtcNow(WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W50")).AddHours(5));
        await using var back = fixture.StartService();
        _ = back.Server;

        foreach (var week in new[] { "2026-W49", "2026-W50" })
        {
            await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == owes && e.Week == week && e.RuleId == DeclarationMissing.Id);
            await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == startsLater && e.Week == week && e.RuleId == DeclarationMissing.Id);
            await fixture.Events.WaitForAsync<FlagRaised>(e => e.RecipientId == declared && e.Week == week && e.RuleId == DeclarationMissing.Id);
        }

        // owes, declared and startsLater, for 2026-W49 and 2026-W50: six flags, none twice, none for a 0-hour engagement.
        Assert.Equal(6, await fixture.Events.CountAfterQuietAsync<FlagRaised>(
            TimeSpan.FromSeconds(2), e => e.RuleId == DeclarationMissing.Id && e.Week != "2026-W48"));
        Assert.Equal(0, await fixture.Events.CountAfterQuietAsync<FlagRaised>(
            TimeSpan.Zero, e => e.RecipientId == zeroHours || (e.RecipientId == declared && e.Week == "2026-W48")));
        Assert.Equal(1, await fixture.CountAsync(MissingFlags, new { recipient = owes, week = "2026-W48" }));
        // A week is closed in its own transaction once its last unit is done, so just after that unit's flags go out.
        await fixture.WaitForCountAsync("SELECT count(*) FROM processed_deadlines", null, 3);
    }
}
