using OvopQuality.Api.Standards;

namespace OvopQuality.Api.Certification.Inspecting;

public sealed record Score(int Points, int MaxPoints, int Percent, IReadOnlyList<string> FailedMandatoryRequirements);

/// <summary>
/// The OVOP points model: a requirement that passed earns its points, one that does not apply is
/// left out of the maximum, and a mandatory requirement can neither fail nor be set aside.
/// </summary>
public static class Scoring
{
    public static Score Score(StandardVersion standard, IReadOnlyList<RequirementResult> results)
    {
        var byCode = results.ToDictionary(r => r.RequirementCode, StringComparer.Ordinal);
        var points = 0;
        var maxPoints = 0;
        var failedMandatory = new List<string>();
        foreach (var requirement in standard.Requirements)
        {
            var outcome = byCode[requirement.Code].Outcome;
            if (outcome == RequirementOutcome.NotApplicable)
            {
                continue;
            }

            maxPoints += requirement.Points;
            if (outcome == RequirementOutcome.Passed)
            {
                points += requirement.Points;
            }
            else if (requirement.Mandatory)
            {
                failedMandatory.Add(requirement.Code);
            }
        }

        var percent = maxPoints == 0 ? 0 : (int)Math.Floor(100.0 * points / maxPoints);
        return new Score(points, maxPoints, percent, failedMandatory);
    }

    /// <summary>Field errors when the results do not answer each requirement of the standard exactly once.</summary>
    public static Dictionary<string, string[]> Completeness(StandardVersion standard, IReadOnlyList<RequirementResult> results)
    {
        var errors = new Dictionary<string, string[]>();
        var codes = results.Select(r => r.RequirementCode).ToList();
        var missing = standard.Requirements.Select(r => r.Code).Except(codes, StringComparer.Ordinal).ToList();
        var unknown = codes.Except(standard.Requirements.Select(r => r.Code), StringComparer.Ordinal).ToList();
        var repeated = codes.GroupBy(c => c, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var mandatoryNotApplicable = results
            .Where(r => r.Outcome == RequirementOutcome.NotApplicable && standard.Find(r.RequirementCode)?.Mandatory == true)
            .Select(r => r.RequirementCode)
            .ToList();
        AddIfAny(errors, "results", "no result for requirement(s): ", missing);
        AddIfAny(errors, "results", $"requirement(s) not in {standard.Code} v{standard.Version}: ", unknown);
        AddIfAny(errors, "results", "more than one result for requirement(s): ", repeated);
        AddIfAny(errors, "results", "mandatory requirement(s) cannot be not applicable: ", mandatoryNotApplicable);
        return errors;
    }

    private static void AddIfAny(Dictionary<string, string[]> errors, string field, string message, List<string> codes)
    {
        if (codes.Count > 0)
        {
            errors[field] = [.. errors.GetValueOrDefault(field, []), message + string.Join(", ", codes)];
        }
    }
}
