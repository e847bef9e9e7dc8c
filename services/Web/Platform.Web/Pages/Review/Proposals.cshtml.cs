using Platform.Contracts.Review;
using Platform.Web.Api;

namespace Platform.Web.Pages.Review;

/// <summary>Sanction proposals waiting for a second person: the cases in the "proposed" state, oldest first.</summary>
public sealed class ProposalsModel(PlatformApi api) : PlatformPage(api)
{
    /// <summary>Proposals wait days at most, so a few pages cover them; the cap only bounds a runaway list.</summary>
    private const int MaxPages = 20;

    public List<(ReviewCase Case, Proposal Proposal)> Waiting { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var result = Read(await Api.GetAsync<CasePage>(
                PlatformService.Review, $"/api/review/cases?status={CaseState.Proposed}&page={page}&pageSize={QueueModel.PageSize}", cancellationToken));
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
