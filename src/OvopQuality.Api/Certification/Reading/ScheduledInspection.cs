using Marten.Patching;
using Marten.Events.Projections;

namespace OvopQuality.Api.Certification.Reading;

/// <summary>
/// An inspection on an inspector's worklist: pending from its scheduling until it is recorded, then
/// kept as one of the inspector's past inspections (<see cref="RecordedOn"/> set). Read by
/// <c>GET /api/inspectors/{id}/inspections</c> and to find the files an inspector reviews actions for.
/// </summary>
public sealed record ScheduledInspection(Guid Id, Guid FileId, string InspectorId, DateOnly ScheduledFor, DateOnly? RecordedOn = null, int? ScorePercent = null);

/// <summary>
/// A corrective action waiting for an inspector of its file to accept or reject it; gone once
/// reviewed. Read by <c>GET /api/inspectors/{id}/reviews</c>.
/// </summary>
public sealed record PendingReview(Guid Id, Guid FileId, Guid FindingId, string Description, IReadOnlyList<string> EvidenceHashes, string SubmittedBy, DateTimeOffset SubmittedAt);

public sealed partial class ScheduledInspectionProjection : EventProjection
{
    public ScheduledInspection Create(InspectionScheduled e) => new(e.InspectionId, e.FileId, e.InspectorId.ToLowerInvariant(), e.ScheduledFor);

    // A patch, not a load and store: in a rebuild the scheduling and the recording may come in one
    // batch, before the document is written, and the patch still applies after it in order.
    public void Project(InspectionRecorded e, IDocumentOperations operations) =>
        operations.Patch<ScheduledInspection>(e.InspectionId)
            .Set(i => i.RecordedOn, (DateOnly?)e.TookPlaceOn)
            .Set(i => i.ScorePercent, (int?)e.ScorePercent);

    public PendingReview Create(CorrectiveActionSubmitted e) =>
        new(e.ActionId, e.FileId, e.FindingId, e.Description, e.EvidenceHashes, e.By, e.At);

    public void Project(CorrectiveActionAccepted e, IDocumentOperations operations) => operations.Delete<PendingReview>(e.ActionId);

    public void Project(CorrectiveActionRejected e, IDocumentOperations operations) => operations.Delete<PendingReview>(e.ActionId);
}
