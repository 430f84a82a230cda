
namespace OvopQuality.Api.Certification.Deciding;

/// <summary>Rules every decision on a file obeys, whichever way it goes (ISO/IEC 17065, 7.5-7.6).</summary>
public static class DecisionRules
{
    public static ProblemDetails CanDecide(CertificationFile file, long expectedVersion, string officerId)
    {
        if (Versioning.Check(expectedVersion, file.Version, "file") is var stale && stale.Stops())
        {
            return stale;
        }

        if (file.IsDecided)
        {
            return Problems.Conflict("file-already-decided", $"The file was already decided ({file.Status}).");
        }

        if (file.LatestRecordedInspection is null)
        {
            return Problems.Conflict("no-inspection-recorded", "A decision needs a recorded inspection; none is recorded on this file.");
        }

        if (file.Status == CertificationStatus.InspectionScheduled)
        {
            return Problems.Conflict("inspection-pending", "An inspection scheduled on this file is not recorded yet; decide once it is.");
        }

        return file.WasEvaluatedBy(officerId)
            ? Problems.Conflict("officer-not-impartial", $"{officerId} inspected, sampled or advised on this file and so cannot decide it: the decision must be taken by someone who did not evaluate.")
            : WolverineContinue.NoProblems;
    }
}
