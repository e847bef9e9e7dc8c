using Platform.Rules;

namespace Platform.Audit.Log;

/// <summary>Re-runs a recorded flag's rule, at its recorded version, on its recorded facts and parameters.</summary>
public static class FlagReplay
{
    /// <summary>True when the rule raises the flag again; an unknown rule or version cannot reproduce anything.</summary>
    public static bool Reproduce(RecordedFlag flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        return RuleReplay.WouldRaise(flag.RuleId, flag.RuleVersion, flag.Facts, flag.Parameters ?? new Dictionary<string, decimal>())
            ?? throw new KeyNotFoundException($"the catalogue has no rule {flag.RuleId} at version {flag.RuleVersion}");
    }
}
