using Marten.Events.Projections;

namespace OvopQuality.Api.Certification.Reading;

/// <summary>An inspection on an inspector's worklist: there from its scheduling until it is recorded.</summary>
public sealed record ScheduledInspection(Guid Id, Guid FileId, string InspectorId, DateOnly ScheduledFor);

public sealed partial class ScheduledInspectionProjection : EventProjection
{
    public ScheduledInspection Create(InspectionScheduled e) => new(e.InspectionId, e.FileId, e.InspectorId.ToLowerInvariant(), e.ScheduledFor);

    public void Project(InspectionRecorded e, IDocumentOperations operations) => operations.Delete<ScheduledInspection>(e.InspectionId);
}
