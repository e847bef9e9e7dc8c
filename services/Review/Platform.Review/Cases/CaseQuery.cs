using FluentValidation;
using Platform.Contracts.Review;
using Platform.ServiceDefaults.Problems;

namespace Platform.Review.Cases;

/// <summary>The queue's query string: a state (open by default), optionally one rule or one recipient, and a page.</summary>
public sealed record CaseQuery(string? Status, string? Rule, string? Recipient, int? Page, int? PageSize)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Far beyond any real queue; it bounds the offset before any arithmetic.</summary>
    public const int MaxPage = 1_000_000;

    public string State => Status ?? CaseState.Open;

    public int Number => Page ?? 1;

    public int Size => PageSize ?? DefaultPageSize;

    public long Offset => (Number - 1L) * Size;
}

internal sealed class CaseQueryValidator : AbstractValidator<CaseQuery>
{
    public CaseQueryValidator()
    {
        RuleFor(query => query.Status)
            .Must(status => status is null || CaseState.All.Contains(status))
            .WithMessage(query => Localized.Text(
                $"État inconnu « {query.Status} » ; valeurs possibles : {string.Join(", ", CaseState.All)}.",
                $"Unknown status '{query.Status}'; possible values: {string.Join(", ", CaseState.All)}."));
        RuleFor(query => query.Page)
            .Must(page => page is null or (>= 1 and <= CaseQuery.MaxPage))
            .WithMessage(_ => Localized.Text(
                $"La page va de 1 à {CaseQuery.MaxPage}.", $"Pages go from 1 to {CaseQuery.MaxPage}."));
        RuleFor(query => query.PageSize)
            .Must(size => size is null or (>= 1 and <= CaseQuery.MaxPageSize))
            .WithMessage(_ => Localized.Text(
                $"La taille de page va de 1 à {CaseQuery.MaxPageSize}.", $"The page size is between 1 and {CaseQuery.MaxPageSize}."));
    }
}
