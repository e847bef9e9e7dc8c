namespace Platform.Contracts.Review;

/// <summary>
/// The weighing CASF R262-68-5 requires before a suspension, item by item, in the counsellor's words: every item is
/// answered before a sanction may be proposed, is shown with the proposal and is carried, signed, in the decision.
/// </summary>
/// <param name="Vulnerability">The person's situation considered: vulnerabilities, health, disability.</param>
/// <param name="Dependants">The children and other dependants in the household.</param>
/// <param name="NatureAndFrequency">The nature and frequency of the breaches.</param>
/// <param name="Consequences">The consequences of the sanction for the household.</param>
public sealed record SanctionAssessment(string Vulnerability, string Dependants, string NatureAndFrequency, string Consequences);
