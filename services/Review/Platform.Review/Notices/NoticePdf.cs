using System.Globalization;
using PdfSharp.Pdf;
using Platform.Review.Domain;
using Platform.Review.Letters;

namespace Platform.Review.Notices;

/// <summary>
/// The notice as a letter for the post (PDFsharp 6, fonts embedded): every section of the <see cref="NoticeLetter"/>,
/// and the fields of the registered letter — its tracking reference and its date of receipt, filled in once a
/// counsellor recorded them.
/// </summary>
internal static class NoticePdf
{
    public static byte[] Render(NoticeLetter letter, Notice notice)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(notice);
        NoticeFonts.Install();
        var fr = letter.Language == "fr";
        using var document = new PdfDocument();
        document.Info.Title = letter.Title;
        document.Info.Subject = fr ? "Avis préalable à une sanction" : "Notice before a sanction";
        var writer = new LetterWriter(document);

        writer.Line(fr ? "Service RSA du département" : "Département RSA service", 9, bold: false);
        writer.Line((fr ? "Allocataire : " : "Recipient: ") + notice.RecipientId, 9, bold: false);
        writer.Line((fr ? "Référence de l'avis : " : "Notice reference: ") + notice.NoticeId.ToString("D"), 9, bold: false);
        writer.Line((fr ? "Date : " : "Date: ") + notice.CreatedAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 9, bold: false);
        writer.TitleAndSections(letter.Title, letter.Sections);

        writer.Space(6);
        writer.Paragraph(fr ? "Envoi en recommandé avec avis de réception" : "Registered letter with acknowledgement of receipt", 11.5, bold: true);
        writer.Paragraph(
            (fr ? "Numéro de suivi La Poste : " : "La Poste tracking number: ") + (notice.TrackingReference ?? "______________________"),
            LetterWriter.BodySize, bold: false);
        writer.Paragraph(
            (fr ? "Date de réception : " : "Date of receipt: ")
            + (notice.PostalReceivedOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "____ / ____ / ________"),
            LetterWriter.BodySize, bold: false);
        writer.Dispose();

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }
}
