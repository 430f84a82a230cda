namespace OvopQuality.Api.Certification.Lifecycle;

/// <summary>When a change decided by <c>Before</c> takes effect, handed to the endpoint so it is worked out once.</summary>
public sealed record EffectiveAt(DateTimeOffset Value);

/// <summary>The rules every change to a granted certificate obeys.</summary>
public static class LifecycleRules
{
    /// <summary>The certificate must exist and not have ended (withdrawn, surrendered, expired).</summary>
    public static ProblemDetails InForce(CertificationFile file, string what)
    {
        if (file.Certificate is null)
        {
            return Problems.Conflict("not-certified", $"Only a granted certificate can be {what}; this file is {file.Status.Wire()}.");
        }

        return file.IsLive
            ? WolverineContinue.NoProblems
            : Problems.Conflict("certificate-ended", $"Certificate {file.Certificate.Number} is {file.Status.Wire()}: it cannot be {what}; a new certificate needs a new application.");
    }

    /// <summary>
    /// When the change takes effect: the time given (it may be earlier than now: decisions are often
    /// recorded after the fact) or now. Never in the future, never before the certificate was granted
    /// or before the previous change of its status.
    /// </summary>
    public static (DateTimeOffset Effective, ProblemDetails Problem) EffectiveFrom(DateTimeOffset? requested, CertificationFile file, DateTimeOffset now)
    {
        var effective = requested?.ToUniversalTime() ?? now;
        string? error = null;
        if (effective > now + TimeSpan.FromMinutes(1))
        {
            error = "cannot be in the future: record the decision when it takes effect";
        }
        else if (file.Certificate is { } certificate && effective < LifecycleSettings.StartOf(certificate.ValidFrom))
        {
            error = $"cannot be before the certificate's validity began ({certificate.ValidFrom:yyyy-MM-dd})";
        }
        else if (file.Suspension is { } suspension && effective < suspension.EffectiveFrom)
        {
            error = $"cannot be before the suspension took effect ({suspension.EffectiveFrom:u})";
        }

        return error is null
            ? (effective, WolverineContinue.NoProblems)
            : (effective, Problems.Invalid(new Dictionary<string, string[]> { ["effectiveFrom"] = [error] }));
    }

    /// <summary>The answer of a lifecycle command's <c>Before</c>: its own rules first, then whether the time it takes effect holds.</summary>
    public static (ProblemDetails, EffectiveAt) TakingEffect(ProblemDetails rules, DateTimeOffset? requested, CertificationFile file, DateTimeOffset now)
    {
        var (effective, problem) = EffectiveFrom(requested, file, now);
        return (rules.Stops() ? rules : problem, new EffectiveAt(effective));
    }

    public static Validation Reason(this Validation v, string? reason) => v.Text(reason, "reason", 2000);
}
