using System.Text.Json;

namespace Platform.Contracts.Rules;

/// <summary>
/// A rule found something a human should look at. A flag is a question, never a score and never a sentence:
/// it carries what an auditor needs to re-run the rule and get the same answer.
/// </summary>
/// <param name="RuleVersion">The version of the rule that ran.</param>
/// <param name="Facts">Exactly the rule's input as evaluated (week, activities, engagement hours, ...).</param>
/// <param name="Parameters">The rule's parameters as applied, by name.</param>
/// <param name="SanctionEligible">Whether a counsellor may propose a sanction on this flag.</param>
public sealed record FlagRaised(
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    JsonElement Facts,
    IReadOnlyDictionary<string, decimal> Parameters,
    Explanation Explanation,
    bool SanctionEligible) : PlatformEvent;

/// <summary>A flag is no longer true (an amendment, a corrected engagement): it closes in the recipient's favour.</summary>
public sealed record FlagWithdrawn(
    Guid FlagId,
    string RecipientId,
    string Week,
    string RuleId,
    int RuleVersion,
    Explanation Reason) : PlatformEvent;

/// <summary>Plain-language text in French (authoritative) and English.</summary>
public sealed record Explanation(string Fr, string En);
