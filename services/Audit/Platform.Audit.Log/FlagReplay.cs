using Platform.Contracts.Rules;

namespace Platform.Audit.Log;

/// <summary>Re-runs a recorded flag's rule, at its recorded version, on its recorded facts and parameters.</summary>
public static class FlagReplay
{
    public static bool Reproduce(FlagRaised flag)
    {
        ArgumentNullException.ThrowIfNull(flag);
        throw new InvalidOperationException("The rule catalogue's replay is not available yet.");
    }
}
