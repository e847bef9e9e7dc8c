using System.Globalization;

namespace Platform.ServiceDefaults.Problems;

/// <summary>
/// Picks the French or English text for the current request (<c>Accept-Language</c>, French by default: the
/// service is French and its French texts are the authoritative ones).
/// </summary>
public static class Localized
{
    public static string Text(string french, string english) =>
        CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? english : french;
}
