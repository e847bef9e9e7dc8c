namespace Platform.Rules.Calendar;

/// <summary>
/// The one definition of the declaration calendar: which week an instant falls in, and each week's deadline.
/// Both are reckoned in Europe/Paris, where the recipients live their weeks, whatever the server's zone.
/// </summary>
public static class WeekCalendar
{
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>
    /// A week's declaration is due by the end of the Monday after it (Tuesday 00:00, Paris time): a full
    /// weekend and a working day to declare, the same margin every week.
    /// </summary>
    public static DateTimeOffset DeadlineOf(IsoWeek week)
    {
        var tuesdayAfter = week.Sunday.AddDays(2).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        var offset = Paris.GetUtcOffset(tuesdayAfter);
        return new DateTimeOffset(tuesdayAfter, offset).ToUniversalTime();
    }

    public static bool IsLate(IsoWeek week, DateTimeOffset submittedAt) => submittedAt >= DeadlineOf(week);

    /// <summary>The week that contains <paramref name="instant"/> in Paris.</summary>
    public static IsoWeek WeekOf(DateTimeOffset instant) => IsoWeek.Of(TodayIn(instant));

    public static DateOnly TodayIn(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Paris).DateTime);
}
