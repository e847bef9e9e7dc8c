using Platform.Rules.Calendar;

namespace Platform.Rules.Tests.Calendar;

public sealed class WeekCalendarTests
{
    [Theory]
    [InlineData("2026-W48", "2026-11-23", "2026-11-29")]
    [InlineData("2026-W53", "2026-12-28", "2027-01-03")] // 2026 has 53 ISO weeks
    [InlineData("2027-W01", "2027-01-04", "2027-01-10")]
    [InlineData("2025-W01", "2024-12-30", "2025-01-05")] // week 1 of 2025 starts in 2024
    [InlineData("2020-W53", "2020-12-28", "2021-01-03")]
    public void IsoWeek_HasTheRightMondayAndSunday(string text, string monday, string sunday)
    {
        var week = IsoWeek.Parse(text);

        Assert.Equal(DateOnly.Parse(monday, System.Globalization.CultureInfo.InvariantCulture), week.Monday);
        Assert.Equal(DateOnly.Parse(sunday, System.Globalization.CultureInfo.InvariantCulture), week.Sunday);
        Assert.Equal(text, week.ToString());
    }

    [Theory]
    [InlineData("2025-W53")] // 2025 has only 52 weeks
    [InlineData("2026-W00")]
    [InlineData("2026-W54")]
    [InlineData("2026-w48")]
    [InlineData("2026-48")]
    [InlineData("26-W48")]
    [InlineData(null)]
    public void IsoWeek_RefusesWhatIsNotAnIsoWeek(string? text)
    {
        Assert.False(IsoWeek.TryParse(text, out _));
    }

    [Fact]
    public void IsoWeek_NextAndPrevious_CrossYearBoundaries()
    {
        Assert.Equal("2027-W01", IsoWeek.Parse("2026-W53").Next.ToString());
        Assert.Equal("2026-W53", IsoWeek.Parse("2027-W01").Previous.ToString());
        Assert.Equal("2026-W01", IsoWeek.Parse("2025-W52").Next.ToString());
        Assert.Equal(5, IsoWeek.Parse("2026-W50").WeeksUntil(IsoWeek.Parse("2027-W02")));
    }

    [Theory]
    [InlineData("2027-01-01", "2026-W53")]
    [InlineData("2024-12-30", "2025-W01")]
    [InlineData("2021-01-03", "2020-W53")]
    public void IsoWeek_Of_ADateNearNewYear_IsTheIsoWeekNotTheCalendarYear(string date, string expected)
    {
        Assert.Equal(expected, IsoWeek.Of(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).ToString());
    }

    [Fact]
    public void Deadline_IsTuesdayMidnightInParis_InWinterTime()
    {
        // 2026-W48 ends Sunday 29 November; Paris is UTC+1 in winter.
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 23, 0, 0, TimeSpan.Zero), WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W48")));
    }

    [Fact]
    public void Deadline_IsTuesdayMidnightInParis_InSummerTime()
    {
        // 2026-W27 ends Sunday 5 July; Paris is UTC+2 in summer.
        Assert.Equal(new DateTimeOffset(2026, 7, 6, 22, 0, 0, TimeSpan.Zero), WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W27")));
    }

    [Fact]
    public void Deadline_AcrossTheSpringChange_UsesSummerTime()
    {
        // Clocks go forward on Sunday 29 March 2026; the deadline of that week is Tuesday 31 March 00:00 CEST.
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 22, 0, 0, TimeSpan.Zero), WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W13")));
    }

    [Fact]
    public void Deadline_AcrossTheAutumnChange_UsesWinterTime()
    {
        // Clocks go back on Sunday 25 October 2026; the deadline of that week is Tuesday 27 October 00:00 CET.
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 23, 0, 0, TimeSpan.Zero), WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W43")));
    }

    [Fact]
    public void Deadline_OfWeek53_FallsInTheNextYear()
    {
        Assert.Equal(new DateTimeOffset(2027, 1, 4, 23, 0, 0, TimeSpan.Zero), WeekCalendar.DeadlineOf(IsoWeek.Parse("2026-W53")));
    }

    [Fact]
    public void IsLate_FromTheDeadlineOn()
    {
        var week = IsoWeek.Parse("2026-W48");
        var deadline = WeekCalendar.DeadlineOf(week);

        Assert.False(WeekCalendar.IsLate(week, deadline.AddTicks(-1)));
        Assert.True(WeekCalendar.IsLate(week, deadline));
    }

    [Fact]
    public void WeekOf_UsesParisTime_NotUtc()
    {
        // Sunday 29 November 23:30 UTC is already Monday 30 November 00:30 in Paris: week 49.
        Assert.Equal("2026-W49", WeekCalendar.WeekOf(new DateTimeOffset(2026, 11, 29, 23, 30, 0, TimeSpan.Zero)).ToString());
        Assert.Equal("2026-W48", WeekCalendar.WeekOf(new DateTimeOffset(2026, 11, 29, 22, 30, 0, TimeSpan.Zero)).ToString());
    }
}
