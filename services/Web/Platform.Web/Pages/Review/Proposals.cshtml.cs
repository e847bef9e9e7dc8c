using Platform.Contracts.Review;
using Platform.Web.Api;
using Platform.Web.Api.Review;

namespace Platform.Web.Pages.Review;

/// <summary>Sanction proposals waiting for a second person: the cases in the "proposed" state, oldest first.</summary>
public sealed class ProposalsModel(PlatformApi api) : PlatformPage(api)
{
    /// <summary>Proposals wait days at most, so a few pages cover them; the cap only bounds a runaway list.</summary>
    private const int MaxPages = 20;

    public List<(CaseView Case, ProposalView Proposal)> Waiting { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var number = page;
            var result = Read(await Api.Review(review =>
                review.ListReviewCasesAsync(CaseState.Proposed, null, null, number, QueueModel.PageSize, cancellationToken)));
            if (result is null)
            {
                return;
            }

            Waiting.AddRange(result.Items.SelectMany(item => item.Proposals.Where(proposal => proposal.State == ProposalState.Pending).Select(proposal => (item, proposal))));
            if ((long)page * QueueModel.PageSize >= result.Total)
            {
                return;
            }
        }
    }
}
