using System.Security.Cryptography;
using Platform.Allocations.Decisions;
using Platform.Contracts.Review;

namespace Platform.Allocations.Tests;

public sealed class DecisionPolicyTests
{
    private static readonly HouseholdFacts Single = new(646.52m, 1, false);

    private static string? Refusal(SanctionDecided decision, HouseholdFacts? household = null, bool earlier = false, bool applied = false) =>
        DecisionPolicy.Evaluate(decision, Keys.Verifier, household ?? Single, earlier, applied)?.ReasonCode;

    [Fact]
    public void Evaluate_ALawfulSignedDecision_IsApplied() => Assert.Null(Refusal(Keys.Lawful()));

    [Fact]
    public void Evaluate_AnUnknownKeyId_IsRefused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = Keys.SignerFor("review-9", other);
        Assert.Equal(DecisionPolicy.UnknownKey, Refusal(signer.Sign(Keys.Lawful())));
    }

    [Fact]
    public void Evaluate_AKnownKeyIdSignedWithAnotherKey_IsRefused() =>
        Assert.Equal(DecisionPolicy.BadSignature, Refusal(Keys.RogueSigner.Sign(Keys.Lawful())));

    [Theory]
    [InlineData("percent")]
    [InlineData("months")]
    [InlineData("approver")]
    [InlineData("recipient")]
    [InlineData("answerBy")]
    [InlineData("signature")]
    public void Evaluate_AnyFieldTamperedAfterSigning_IsRefused(string field)
    {
        var signed = Keys.Lawful();
        var tampered = field switch
        {
            "percent" => signed with { Percent = 100 },
            "months" => signed with { Months = 1 },
            "approver" => signed with { ApprovedBy = "someone-else" },
            "recipient" => signed with { RecipientId = "r-2" },
            "answerBy" => signed with { AnswerBy = signed.AnswerBy.AddDays(-10) },
            _ => signed with { Signature = Convert.ToBase64String(new byte[64]) },
        };
        Assert.Equal(DecisionPolicy.BadSignature, Refusal(tampered));
    }

    [Fact]
    public void Evaluate_SameProposerAndApprover_IsRefusedEvenWhenSigned() =>
        Assert.Equal(DecisionPolicy.SelfApproval, Refusal(Keys.Signer.Sign(Keys.Lawful() with { ApprovedBy = "AGENT-1 " })));

    [Fact]
    public void Evaluate_AReplay_IsRefused() => Assert.Equal(DecisionPolicy.Replay, Refusal(Keys.Lawful(), applied: true));

    [Fact]
    public void Evaluate_WithoutAnAllocation_IsRefused() =>
        Assert.Equal(DecisionPolicy.NoAllocation, DecisionPolicy.Evaluate(Keys.Lawful(), Keys.Verifier, null, false, false)?.ReasonCode);

    [Fact]
    public void Evaluate_Over50PercentForAHouseholdOfTwo_IsRefused()
    {
        var decision = Keys.Signer.Sign(Keys.Lawful() with { Percent = 60 });
        Assert.Null(Refusal(decision));
        Assert.Equal("percent-above-household-cap", Refusal(decision, new HouseholdFacts(900m, 2, false)));
        Assert.Equal("percent-above-household-cap", Refusal(decision, new HouseholdFacts(900m, 1, true)));
    }

    [Fact]
    public void Evaluate_ThreeMonthsForAFirstBreach_IsRefused() =>
        Assert.Equal("months-out-of-range", Refusal(Keys.Signer.Sign(Keys.Lawful() with { Months = 3 })));

    [Fact]
    public void Evaluate_ARepeatedBreachWithoutAnEarlierDecision_IsRefused()
    {
        var decision = Keys.Signer.Sign(Keys.Lawful() with { RepeatedBreach = true, Months = 4 });
        Assert.Equal(DecisionPolicy.RepeatNotEstablished, Refusal(decision));
        Assert.Null(Refusal(decision, earlier: true));
    }

    [Fact]
    public void Evaluate_DecidedBeforeTheNotification_IsRefused()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.NotNotified, Refusal(Keys.Signer.Sign(lawful with { DecidedAt = lawful.NotifiedAt })));
    }

    [Fact]
    public void Evaluate_AWindowShorterThan10Days_IsRefused()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.WindowTooShort, Refusal(Keys.Signer.Sign(lawful with { AnswerBy = lawful.NotifiedAt.AddDays(9) })));
    }

    [Fact]
    public void Evaluate_WithoutAProofOfReceipt_OrOneOutsideNoticeToDecision_IsRefused()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.NotReceived, Refusal(Keys.Signer.Sign(lawful with { ReceivedAt = null })));
        Assert.Equal(DecisionPolicy.NotReceived, Refusal(Keys.Signer.Sign(lawful with { ReceivedAt = lawful.NotifiedAt.AddSeconds(-1) })));
        Assert.Equal(DecisionPolicy.NotReceived, Refusal(Keys.Signer.Sign(lawful with { ReceivedAt = lawful.DecidedAt })));
    }

    [Fact]
    public void Evaluate_AWindowOf10DaysFromSendingButNotFromReceipt_IsRefused()
    {
        // Sent on the 1st, received on the 4th: a deadline on the 11th leaves 7 days from receipt.
        var lawful = Keys.Lawful();
        var late = lawful with { ReceivedAt = lawful.NotifiedAt.AddDays(3), AnswerBy = lawful.NotifiedAt.AddDays(10), DecidedAt = lawful.NotifiedAt.AddDays(11) };
        Assert.Equal(DecisionPolicy.WindowTooShort, Refusal(Keys.Signer.Sign(late)));
        Assert.Null(Refusal(Keys.Signer.Sign(late with
        {
            AnswerBy = lawful.NotifiedAt.AddDays(13), WindowClosedAt = lawful.NotifiedAt.AddDays(13), DecidedAt = lawful.NotifiedAt.AddDays(14),
        })));
    }

    [Fact]
    public void Evaluate_TheReceiptInstant_IsCoveredByTheSignature()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.BadSignature, Refusal(lawful with { ReceivedAt = lawful.ReceivedAt!.Value.AddDays(-1) }));
    }

    [Fact]
    public void Evaluate_DecidedInsideTheWindow_IsRefusedUnlessNothingToAddOrAHearingClosedItBefore()
    {
        var lawful = Keys.Lawful();
        var early = lawful with { DecidedAt = lawful.NotifiedAt.AddDays(3) };
        Assert.Equal(DecisionPolicy.DecidedTooEarly, Refusal(Keys.Signer.Sign(early)));
        // A first observation alone no longer closes the window.
        Assert.Equal(DecisionPolicy.DecidedTooEarly, Refusal(Keys.Signer.Sign(early with { ObservationReceivedAt = lawful.NotifiedAt.AddDays(2) })));
        Assert.Equal(DecisionPolicy.DecidedTooEarly, Refusal(Keys.Signer.Sign(early with
        {
            WindowClosedBy = WindowClosure.NothingToAdd, WindowClosedAt = lawful.NotifiedAt.AddDays(4),
        })));
        Assert.Equal(DecisionPolicy.DecidedTooEarly, Refusal(Keys.Signer.Sign(early with
        {
            WindowClosedBy = WindowClosure.Hearing, WindowClosedAt = lawful.NotifiedAt.AddDays(-1),
        })));
        Assert.Equal(DecisionPolicy.DecidedTooEarly, Refusal(Keys.Signer.Sign(early with { WindowClosedBy = "first-observation" })));
        Assert.Null(Refusal(Keys.Signer.Sign(early with { WindowClosedBy = WindowClosure.NothingToAdd, WindowClosedAt = lawful.NotifiedAt.AddDays(2) })));
        Assert.Null(Refusal(Keys.Signer.Sign(early with { WindowClosedBy = WindowClosure.Hearing, WindowClosedAt = lawful.NotifiedAt.AddDays(3) })));
    }

    [Fact]
    public void Evaluate_ADecisionThatDoesNotSayHowTheWindowClosed_IsRefused()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.WindowClosureMissing, Refusal(Keys.Signer.Sign(lawful with { WindowClosedBy = null, WindowClosedAt = null })));
        Assert.Equal(DecisionPolicy.WindowClosureMissing, Refusal(Keys.Signer.Sign(lawful with { WindowClosedAt = null })));
    }

    [Fact]
    public void Evaluate_HowTheWindowClosed_IsCoveredByTheSignature()
    {
        var lawful = Keys.Lawful();
        Assert.Equal(DecisionPolicy.BadSignature, Refusal(lawful with { WindowClosedBy = WindowClosure.Hearing }));
        Assert.Equal(DecisionPolicy.BadSignature, Refusal(lawful with { WindowClosedAt = lawful.WindowClosedAt!.Value.AddSeconds(-1) }));
    }
}

public sealed class KeyRotationTests
{
    [Fact]
    public void AVerifierTrustingOldAndNewKeys_AcceptsDecisionsSignedWithEither_AndRefusesARetiredOne()
    {
        using var old = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var current = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var oldSigner = Keys.SignerFor("review-2026-01", old);
        using var newSigner = Keys.SignerFor("review-2026-07", current);
        var both = new DecisionVerifier(new Dictionary<string, string>
        {
            ["review-2026-01"] = old.ExportSubjectPublicKeyInfoPem(),
            ["review-2026-07"] = current.ExportSubjectPublicKeyInfoPem(),
        });
        var retired = new DecisionVerifier(new Dictionary<string, string> { ["review-2026-07"] = current.ExportSubjectPublicKeyInfoPem() });

        Assert.Equal(SignatureCheck.Valid, both.Check(oldSigner.Sign(Keys.Lawful())));
        Assert.Equal(SignatureCheck.Valid, both.Check(newSigner.Sign(Keys.Lawful())));
        Assert.Equal(SignatureCheck.UnknownKey, retired.Check(oldSigner.Sign(Keys.Lawful())));
    }
}
