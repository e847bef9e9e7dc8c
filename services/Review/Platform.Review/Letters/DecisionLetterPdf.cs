using System.Globalization;
using PdfSharp.Pdf;
using Platform.Review.Domain;
using Platform.Review.Notices;

namespace Platform.Review.Letters;

/// <summary>A decision letter as a PDF for the post and the e-mail (PDFsharp 6, fonts embedded).</summary>
internal static class DecisionLetterPdf
{
    public static byte[] Render(DecisionLetter letter, LetterSource source, LetterOptions options)
    {
        ArgumentNullException.ThrowIfNull(letter);
        ArgumentNullException.ThrowIfNull(source);
        return LetterPdf.Render(
            letter.Language, letter.Title, letter.Sections, options, source.Letter.RecipientId, source.Letter.LetterId, source.Letter.CreatedAt,
            DepartementNames.Of(source.Delegation.Departement, options));
    }
}

/// <summary>
/// Any of Review's letters as a PDF (PDFsharp 6, fonts embedded): the département's heading, the recipient, the letter's
/// reference and date, then its title and sections. The decision letters and the appeals' letters alike.
/// </summary>
internal static class LetterPdf
{
    public static byte[] Render(
        string language, string title, IEnumerable<NoticeSection> sections, LetterOptions options, string recipientId, Guid letterId, DateTimeOffset createdAt,
        DepartementName? departementName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        departementName ??= DepartementNames.Of(options.Departement, options);
        NoticeFonts.Install();
        var fr = language == "fr";
        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Subject = fr ? "Décision relative à votre RSA" : "Decision about your RSA";
        var writer = new LetterWriter(document);

        writer.Line(fr ? $"Département {departementName.French} — service RSA" : $"Département of {departementName.English} — RSA service", 9, bold: false);
        writer.Line((fr ? "Allocataire : " : "Recipient: ") + recipientId, 9, bold: false);
        writer.Line((fr ? "Référence de la lettre : " : "Letter reference: ") + letterId.ToString("D"), 9, bold: false);
        writer.Line((fr ? "Date : " : "Date: ") + createdAt.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), 9, bold: false);
        writer.TitleAndSections(title, sections);

        writer.Dispose();
        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }
}
