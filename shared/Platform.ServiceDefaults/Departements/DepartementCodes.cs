using System.Text.RegularExpressions;

namespace Platform.ServiceDefaults.Departements;

/// <summary>
/// The départements' INSEE codes: 01 to 95 (20 is no longer one: Corsica is 2A and 2B), and the overseas 971 to 976.
/// An agent's token may carry <see cref="National"/> instead: a national role, such as a national auditor, acts for all.
/// </summary>
public static partial class DepartementCodes
{
    public const string National = "*";

    public static bool IsValid(string? code) => code is not null && Code().IsMatch(code);

    [GeneratedRegex("^(0[1-9]|1[0-9]|2[1-9]|[3-8][0-9]|9[0-5]|2A|2B|97[1-6])$")]
    private static partial Regex Code();
}
