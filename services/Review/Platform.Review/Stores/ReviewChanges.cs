using Platform.Review.Domain;
using Platform.ServiceDefaults.Data;

namespace Platform.Review.Stores;

/// <summary>Saves what an aggregate method decided, and queues its events, in the caller's unit of work.</summary>
internal static class ReviewChanges
{
    public static async Task SaveAsync(ServiceTransaction work, ReviewChange change)
    {
        if (change.Unchanged)
        {
            return;
        }

        await CaseStore.UpdateAsync(work, change.Case);
        if (change.Proposal is { } proposal)
        {
            await ProposalStore.SaveAsync(work, proposal);
        }

        if (change.Observation is { } observation)
        {
            await ObservationStore.InsertAsync(work, observation);
        }

        await CaseStore.AddHistoryAsync(work, change.History);
        foreach (var happened in change.Events)
        {
            work.Publish(happened);
        }
    }
}
