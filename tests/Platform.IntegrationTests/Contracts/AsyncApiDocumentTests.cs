using Platform.IntegrationTests.Infrastructure;

namespace Platform.IntegrationTests.Contracts;

/// <summary>
/// docs/asyncapi.yaml is what the contracts and consumers say now: a contract, a consumer or a signature that changes
/// without the document changing fails here, so every change to the events is a reviewed diff. To regenerate:
/// <c>PLATFORM_REGENERATE_DOCS=true dotnet test tests/Platform.IntegrationTests --filter AsyncApiDocumentTests</c>.
/// </summary>
public sealed class AsyncApiDocumentTests
{
    private static readonly string Committed = Path.Combine(PlatformProcesses.RepositoryRoot, "docs", "asyncapi.yaml");

    [Fact]
    public void CommittedAsyncApiDocument_MatchesTheContracts()
    {
        var generated = AsyncApiDocument.Build(PlatformProcesses.RepositoryRoot);
        if (Environment.GetEnvironmentVariable("PLATFORM_REGENERATE_DOCS") == "true")
        {
            File.WriteAllText(Committed, generated);
        }

        Assert.True(File.Exists(Committed), $"{Committed} is missing: regenerate it.");
        Assert.Equal(File.ReadAllText(Committed).ReplaceLineEndings("\n"), generated);
    }

    [Fact]
    public void AsyncApiDocument_NamesEverySignedFieldOfASanctionDecision_AndItsQueues()
    {
        var document = AsyncApiDocument.Build(PlatformProcesses.RepositoryRoot);

        Assert.Contains("address: \"Platform.Contracts.Review:SanctionDecided\"", document, StringComparison.Ordinal);
        Assert.Contains("address: \"allocations-p{partition}\"", document, StringComparison.Ordinal);
        Assert.Contains("address: \"audit-audit-log\"", document, StringComparison.Ordinal);
        Assert.Contains("x-producer: \"review\"", document, StringComparison.Ordinal);
        var signed = SignedFields(document, "SanctionDecided");
        Assert.Equal(
            ["decisionId", "proposalId", "caseId", "flagId", "recipientId", "ruleId", "percent", "months", "startMonth",
             "repeatedBreach", "proposedBy", "approvedBy", "notificationId", "notifiedAt", "answerBy", "observationReceivedAt",
             "decidedAt", "keyId", "breachFirstWeek", "breachLastWeek", "assessment", "receivedAt", "windowClosedBy", "windowClosedAt"],
            signed);

        // The decision on an appeal moves money too: signed the same way, consumed by the allocations service.
        Assert.Contains("Published by review. Consumed from `allocations-p{partition}`, `audit-audit-log`, `rules-p{partition}`.", document, StringComparison.Ordinal);
        Assert.Equal(
            ["decisionId", "appealId", "sanctionDecisionId", "recipientId", "outcome", "percent", "months", "decidedBy", "decidedAt", "keyId"],
            SignedFields(document, "AppealDecided"));
    }

    /// <summary>The <c>x-signed-fields</c> of one message of the document's components.</summary>
    private static List<string> SignedFields(string document, string message)
    {
        var at = document.IndexOf($"\n    {message}:\n      name: \"{message}\"", StringComparison.Ordinal);
        Assert.True(at >= 0, $"No component message {message}.");
        return document[document.IndexOf("x-signed-fields:", at, StringComparison.Ordinal)..].Split('\n').Skip(1)
            .TakeWhile(line => line.TrimStart().StartsWith("- ", StringComparison.Ordinal))
            .Select(line => line.Trim()[2..].Trim('"'))
            .ToList();
    }
}
