
namespace OvopQuality.Api.Certification.Deciding;

/// <summary>Rules every decision on a file obeys, whichever way it goes (ISO/IEC 17065, 7.5-7.6).</summary>
public static class DecisionRules
{
    public static ProblemDetails CanDecide(CertificationFile file, long expectedVersion, string officerId, BodyDecision decision)
    {
        if (Versioning.Check(expectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.IsDecided)
        {
            return Problems.Conflict("file-already-decided", $"The file was already decided ({file.Status.Wire()}).");
        }

        if (file.LatestRecordedInspection is null)
        {
            return Problems.Conflict("no-inspection-recorded", "A decision needs a recorded inspection; none is recorded on this file.");
        }

        if (file.Status == CertificationStatus.InspectionScheduled)
        {
            return Problems.Conflict("inspection-pending", "An inspection scheduled on this file is not recorded yet; decide once it is.");
        }

        return file.Impartial(decision, officerId);
    }
}
