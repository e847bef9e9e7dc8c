using System.Globalization;

namespace Platform.Rules.Calendar;

/// <summary>Months as the API writes them: <c>2027-01</c>.</summary>
public static class Months
{
    public static bool TryParse(string? text, out DateOnly month)
    {
        month = default;
        if (text is null || text.Length != 7 ||
            !DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }

        month = parsed;
        return true;
    }

    public static string Format(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The month <paramref name="instant"/> falls in, in Paris.</summary>
    public static DateOnly Of(DateTimeOffset instant)
    {
        var today = WeekCalendar.TodayIn(instant);
        return new DateOnly(today.Year, today.Month, 1);
    }
}
