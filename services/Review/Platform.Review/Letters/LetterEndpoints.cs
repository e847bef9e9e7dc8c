using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Platform.Contracts.Review;
using Platform.Review.Domain;
using Platform.Review.Notices;
using Platform.Review.Sanctions;
using Platform.Review.Stores;
using Platform.Rules.Calendar;
using Platform.ServiceDefaults.Auth;
using Platform.ServiceDefaults.Data;
using Platform.ServiceDefaults.Idempotency;
using Platform.ServiceDefaults.OpenApi;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Letters;

/// <summary>
/// The decision letters as the person gets them — in JSON and as a PDF, in French or English — their proof of receipt
/// in the application (the prior appeal's two months run from it), and the seal's public check.
/// </summary>
public static class LetterEndpoints
{
    public static IEndpointRouteBuilder MapLetterEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var read = endpoints.MapGroup("/api/recipients/{recipientId}/decision-letters").WithTags("Decision letters")
            .RequireAuthorization(Policies.RecipientOrCaseWorker);
        read.MapGet("", List)
            .WithName("ListDecisionLetters")
            .WithSummary("A recipient's decision letters")
            .WithDescription("""
                Every letter of a decision on the recipient's sanction proposals (approved or rejected), newest first: the
                reasons in law and in fact, who decided under which delegation, the seal of the signed decision, the
                algorithmic mention and the routes of appeal; its receipt and the last day of the prior appeal once received.
                French, or English with `language=en` or `Accept-Language: en`. The recipient themself, counsellors and
                supervisors. Changes nothing.
                """);
        read.MapGet("/{letterId:guid}", GetOne)
            .WithName("GetDecisionLetter")
            .WithSummary("Read a decision letter")
            .WithDescription("One letter as in the list. The recipient themself, counsellors and supervisors. Changes nothing.")
            .ProducesNotFound("This letter does not exist, or is not this recipient's.");
        read.MapGet("/{letterId:guid}.pdf", Pdf)
            .WithName("GetDecisionLetterPdf")
            .WithSummary("The decision letter as a PDF")
            .WithDescription("The letter for the post and the e-mail (fonts embedded), in French or English on request. Changes nothing.")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf")
            .ProducesNotFound("This letter does not exist, or is not this recipient's.");
        read.MapGet("/{letterId:guid}/pdf", Pdf)
            .WithName("GetDecisionLetterPdfByPath")
            .WithSummary("The decision letter as a PDF (same as `.pdf`)")
            .WithDescription("The same letter as `GET …/decision-letters/{letterId}.pdf`, for clients that cannot end a path with an extension.")
            .Produces<byte[]>(StatusCodes.Status200OK, "application/pdf")
            .ProducesNotFound("This letter does not exist, or is not this recipient's.");
        read.MapPost("/{letterId:guid}/acknowledgement", Acknowledge).RequireAuthorization(Policies.Recipient).WithIdempotencyKey()
            .WithName("AcknowledgeDecisionLetter")
            .WithSummary("Acknowledge receipt of a decision letter in the application")
            .WithDescription("""
                The recipient says they received the letter: a proof of receipt with a certain date, from which the two
                months of the prior appeal run (CASF R262-88). Acknowledging again changes nothing. Only the recipient themself.
                """)
            .ProducesNotFound("This letter does not exist, or is not this recipient's.");

        endpoints.MapGet("/api/decisions/{decisionId:guid}/seal", Seal).WithTags("Decision letters").AllowAnonymous()
            .WithName("GetDecisionSeal")
            .WithSummary("Check a decision letter's seal against the public key")
            .WithDescription("""
                The link printed on a decision letter, or on the letter deciding an appeal: the exact bytes that were signed, the signature, the key id and that
                key's public half (SPKI PEM), so anyone holding the letter can check it with their own tools (ECDSA P-256,
                SHA-256, IEEE P1363), and whether it verifies here. `s` is the first 22 characters of the signature in base64url,
                as printed: only someone holding the letter can open it. Changes nothing.
                """)
            .ProducesNotFound("No decision letter carries this decision and seal.");
        return endpoints;
    }

    private static async Task<Results<Ok<RecipientDecisionLetters>, ProblemHttpResult>> List(
        string recipientId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<LetterOptions> letters, IOptions<NoticeOptions> notices, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        var chosen = NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage);
        var views = new List<DecisionLetterView>();
        foreach (var letterId in await LetterStore.IdsOfAsync(database, recipientId, cancellationToken))
        {
            var source = await LetterStore.ReadAsync(database, letterId, cancellationToken) ?? throw new InvalidOperationException("A listed letter vanished.");
            views.Add(View(source, chosen, letters.Value, notices.Value));
        }

        return TypedResults.Ok(new RecipientDecisionLetters(recipientId, views));
    }

    private static async Task<Results<Ok<DecisionLetterView>, ProblemHttpResult>> GetOne(
        string recipientId, Guid letterId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<LetterOptions> letters, IOptions<NoticeOptions> notices, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        return await LetterStore.ReadAsync(database, letterId, cancellationToken) is { } source && source.Letter.RecipientId == recipientId
            ? TypedResults.Ok(View(source, NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage), letters.Value, notices.Value))
            : ReviewProblems.LetterNotFound();
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Pdf(
        string recipientId, Guid letterId, [FromQuery] string? language, HttpRequest request, ClaimsPrincipal user, ServiceDatabase database,
        IOptions<LetterOptions> letters, IOptions<NoticeOptions> notices, CancellationToken cancellationToken)
    {
        if (!user.MayRead(recipientId, Roles.Counsellor, Roles.Supervisor))
        {
            return Problems.Forbidden();
        }

        if (await LetterStore.ReadAsync(database, letterId, cancellationToken) is not { } source || source.Letter.RecipientId != recipientId)
        {
            return ReviewProblems.LetterNotFound();
        }

        var letter = DecisionLetter.Compose(source, letters.Value, notices.Value.PublicBaseUrl, NoticeLetter.LanguageOf(language, request.Headers.AcceptLanguage));
        return TypedResults.File(DecisionLetterPdf.Render(letter, source, letters.Value), "application/pdf", $"decision-{letterId:D}.pdf");
    }

    private static async Task<Results<Ok<DecisionLetterView>, ProblemHttpResult>> Acknowledge(
        string recipientId, Guid letterId, ClaimsPrincipal user, ServiceDatabase database, IOptions<LetterOptions> letters, IOptions<NoticeOptions> notices,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (!user.IsRecipient(recipientId))
        {
            return Problems.Forbidden();
        }

        if (await LetterStore.ReadAsync(database, letterId, cancellationToken) is not { } source || source.Letter.RecipientId != recipientId)
        {
            return ReviewProblems.LetterNotFound();
        }

        var now = time.GetUtcNow();
        await using (var work = await database.BeginAsync(cancellationToken))
        {
            await LetterStore.AddReceiptAsync(work, letterId, new LetterReceipt(LetterReceiptChannel.Application, now, recipientId, now));
            await work.CommitAsync(cancellationToken);
        }

        return TypedResults.Ok(View((await LetterStore.ReadAsync(database, letterId, cancellationToken))!, "fr", letters.Value, notices.Value));
    }

    private static async Task<Results<Ok<DecisionSealView>, ProblemHttpResult>> Seal(
        Guid decisionId, [FromQuery] string? s, ServiceDatabase database, IOptions<SigningOptions> signing, CancellationToken cancellationToken)
    {
        var (payload, keyId, signature) = s is { Length: 22 } ? await SignedAsync(database, decisionId, cancellationToken) : (null, null, null);
        if (payload is null || keyId is null || signature is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(DecisionLetter.SealToken(signature)), Encoding.ASCII.GetBytes(s!)))
        {
            return Problems.NotFound("Aucune lettre de décision ne porte cette décision et ce sceau.", "No decision letter carries this decision and seal.");
        }

        string? publicKey = null;
        var verifies = false;
        if (signing.Value.Keys.TryGetValue(keyId, out var privatePem))
        {
            using var key = ECDsa.Create();
            key.ImportFromPem(privatePem);
            publicKey = key.ExportSubjectPublicKeyInfoPem();
            verifies = key.VerifyData(payload, Convert.FromBase64String(signature), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }

        return TypedResults.Ok(new DecisionSealView(
            decisionId, keyId, signature, Encoding.UTF8.GetString(payload), Convert.ToBase64String(payload), publicKey, verifies,
            "ECDSA P-256, SHA-256, IEEE P1363 (r||s), base64"));
    }

    /// <summary>The signed bytes, key and signature of a sanction decision, an early ending, or a decision on an appeal, that a letter carries.</summary>
    private static async Task<(byte[]? Payload, string? KeyId, string? Signature)> SignedAsync(
        ServiceDatabase database, Guid decisionId, CancellationToken cancellationToken)
    {
        if (await LetterStore.FindByDecisionAsync(database, decisionId, cancellationToken) is { Signature: { } signature, KeyId: { } keyId } letter)
        {
            if (DecisionLetter.SignedDecisionOf(letter) is { } decision)
            {
                return (SanctionDecisionSignature.Payload(decision), keyId, signature);
            }

            if (DecisionLetter.SignedEndingOf(letter) is { } ending)
            {
                return (SuspensionEndedSignature.Payload(ending), keyId, signature);
            }
        }

        if (await AppealStore.FindByOutcomeDecisionAsync(database, decisionId, cancellationToken) is { Signature: { } appealSignature, KeyId: { } appealKey, SignedDecision: { } json }
            && JsonSerializer.Deserialize<AppealDecided>(json, JsonSerializerOptions.Web) is { } appealDecision)
        {
            return (AppealDecidedSignature.Payload(appealDecision), appealKey, appealSignature);
        }

        return (null, null, null);
    }

    private static DecisionLetterView View(LetterSource source, string language, LetterOptions letters, NoticeOptions notices)
    {
        var letter = DecisionLetter.Compose(source, letters, notices.PublicBaseUrl, language);
        var received = source.ReceivedAt;
        var ending = DecisionLetter.SignedEndingOf(source.Letter);
        // An early ending is in the person's favour: no prior appeal runs from its letter.
        DateOnly? appealBy = received is { } at && ending is null ? WeekCalendar.TodayIn(at).AddMonths(2) : null;
        return new DecisionLetterView(
            source.Letter.LetterId, source.Letter.Kind, source.Letter.ProposalId, source.Letter.CaseId, source.Case.FlagId, source.Letter.RecipientId,
            source.Letter.CreatedAt, ending?.DecidedBy ?? source.Proposal.DecidedBy ?? source.Delegation.AgentId, source.Delegation.AgentName, source.Delegation.AgentRole,
            source.Delegation.Reference, source.Letter.DecisionId, letter.Seal, received, appealBy, letter.Language, letter.Title, letter.Sections,
            $"/api/recipients/{source.Letter.RecipientId}/decision-letters/{source.Letter.LetterId:D}.pdf");
    }
}

/// <summary>
/// A decision letter as the API shows it: who decided under which delegation, the seal, its receipt and the last day of
/// the prior appeal (two months from the first receipt; null until then), and its text in the language asked for.
/// </summary>
public sealed record DecisionLetterView(
    Guid LetterId,
    string Kind,
    Guid ProposalId,
    Guid CaseId,
    Guid FlagId,
    string RecipientId,
    DateTimeOffset CreatedAt,
    string DecidedBy,
    string AuthorName,
    string AuthorRole,
    string DelegationReference,
    Guid? DecisionId,
    LetterSeal? Seal,
    DateTimeOffset? ReceivedAt,
    DateOnly? AppealBy,
    string Language,
    string Title,
    IReadOnlyList<NoticeSection> Sections,
    string PdfUrl);

public sealed record RecipientDecisionLetters(string RecipientId, IReadOnlyList<DecisionLetterView> Letters);

/// <summary>What anyone needs to check a signed decision themself: the signed bytes, the signature and the public key.</summary>
public sealed record DecisionSealView(
    Guid DecisionId, string KeyId, string Signature, string SignedPayload, string SignedPayloadBase64, string? PublicKey, bool Verifies, string Algorithm);
