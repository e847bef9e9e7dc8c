using System.Text.RegularExpressions;

namespace Platform.Identity.Connect;

/// <summary>
/// The départements typed on the sign-in page or passed to the development grant: INSEE codes (75, 2A, 971…) or
/// <c>*</c> for a national role, separated by spaces or commas.
/// </summary>
public static partial class DepartementList
{
    /// <summary>The codes, or null when one of them is not a département code.</summary>
    public static string[]? Parse(string? text)
    {
        var codes = (text ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return codes.All(code => code == "*" || Code().IsMatch(code)) ? codes : null;
    }

    [GeneratedRegex("^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$")]
    private static partial Regex Code();
}
