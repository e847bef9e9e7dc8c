using System.Security.Claims;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Platform.ServiceDefaults.Departements;
using Platform.ServiceDefaults.Problems;

namespace Platform.Audit.Queries;

/// <summary>
/// Keeps an auditor who works for some départements (not <c>*</c>) to them, in the one national log: a recipient's
/// entries only if that recipient belongs to one of them (as the log itself last said: every event about a placed
/// recipient names their département), and none of the views over every recipient's entries (a page of the whole
/// log, its verification, whose violations name entries). Views without personal data (signed checkpoints, appeal
/// figures) are open to every auditor.
/// </summary>
internal static class AuditorDepartements
{
    public const string NationalAuditorRequired = ProblemTypes.Base + "national-auditor-required";

    /// <summary>Null when <paramref name="auditor"/> may read the log's entries about <paramref name="recipientId"/>; else 404.</summary>
    public static async Task<ProblemHttpResult?> RefuseRecipientAsync(NpgsqlConnection connection, ClaimsPrincipal auditor, string recipientId)
    {
        if (auditor.IsNational())
        {
            return null;
        }

        var departement = await connection.QuerySingleOrDefaultAsync<string?>(
            """
            SELECT convert_from(body, 'UTF8')::jsonb ->> 'departement' FROM audit_log
             WHERE recipient_id = @recipientId AND convert_from(body, 'UTF8')::jsonb ->> 'departement' IS NOT NULL
             ORDER BY position DESC LIMIT 1
            """,
            new { recipientId });
        return auditor.ActsFor(departement)
            ? null
            : Problems.NotFound(
                "Aucun allocataire de cet identifiant dans vos départements.",
                "No recipient of this id in your départements.");
    }

    /// <summary>Null for a national auditor; else 403: the view spans every département's recipients.</summary>
    public static ProblemHttpResult? RefuseLogWide(ClaimsPrincipal auditor) => auditor.IsNational()
        ? null
        : Problems.Create(
            StatusCodes.Status403Forbidden,
            NationalAuditorRequired,
            Localized.Text("Réservé aux auditeurs nationaux", "National auditors only"),
            Localized.Text(
                "Cette vue porte sur les entrées de tous les départements : elle est réservée aux auditeurs nationaux (« * »). Consultez le journal d'un allocataire de vos départements (« recipient »).",
                "This view spans every département's entries: it is for national auditors (\"*\") only. Read the log of a recipient of your départements (\"recipient\")."));
}
