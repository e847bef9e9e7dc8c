using System.Globalization;

namespace Platform.IntegrationTests.Infrastructure;

/// <summary>
/// The delegations of signature a test platform's deciders need: nobody approves or rejects a sanction without one in
/// force. Given to the review service as configuration (<c>Letters:Delegations</c>), which records them at start.
/// </summary>
public static class TestDelegations
{
    /// <summary>The reference every test delegation carries, as the letters print it.</summary>
    public const string Reference = "arrêté n° 2026-117 du 3 mars 2026";

    /// <summary>Settings for an in-process host (<c>Letters:Delegations:i:…</c>), one delegation per agent from 2026-03-03.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> ForHost(params string[] agents) =>
        Entries(agents, 0).Select(entry => new KeyValuePair<string, string?>(entry.Key.Replace("__", ":", StringComparison.Ordinal), entry.Value));

    /// <summary>
    /// Environment for the review process (<c>review:Letters__Delegations__i__…</c>), starting after the development
    /// settings' own two entries so that they are added to, not overwritten.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> ForProcess(params string[] agents) =>
        Entries(agents, 2).Select(entry => new KeyValuePair<string, string>("review:" + entry.Key, entry.Value));

    private static IEnumerable<KeyValuePair<string, string>> Entries(string[] agents, int first)
    {
        for (var index = 0; index < agents.Length; index++)
        {
            var prefix = $"Letters__Delegations__{(first + index).ToString(CultureInfo.InvariantCulture)}__";
            yield return new(prefix + "Agent", agents[index]);
            yield return new(prefix + "Name", "Délégataire " + agents[index]);
            yield return new(prefix + "Role", "responsable du service RSA");
            yield return new(prefix + "Reference", Reference);
            yield return new(prefix + "From", "2026-03-03");
        }
    }
}
