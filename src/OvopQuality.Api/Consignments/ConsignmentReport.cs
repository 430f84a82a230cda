using OvopQuality.Api.Certification.Lifecycle;

namespace OvopQuality.Api.Consignments;

/// <summary>What a report's line says about one code of the consignment.</summary>
public enum ConsignmentVerdict
{
    /// <summary>The label was issued and its certificate was in force at the shipment's date.</summary>
    Valid,
    Suspended,
    Withdrawn,
    Expired,
    Superseded,

    /// <summary>A well-formed code that was never issued, or not yet at that date, or without a certificate in force then.</summary>
    Unknown,

    /// <summary>Not a label code at all, or one whose check character fails (mistyped).</summary>
    Malformed,

    /// <summary>The same code as an earlier line of the list: two units cannot carry one label.</summary>
    Duplicate,
}

public enum ConsignmentStatus
{
    /// <summary>Waiting for the background queue (large lists).</summary>
    Queued,

    /// <summary>Being judged: <c>codesDone</c> of <c>codesTotal</c>.</summary>
    Running,

    /// <summary>Judged, kept and signed.</summary>
    Done,
}

/// <summary>One line of a consignment report: a code as it was submitted, and what it is.</summary>
public sealed record ConsignmentLine(
    int Position,
    string Given,
    string? Code,
    ConsignmentVerdict Verdict,
    string Reason,
    ReasonClass? ReasonClass,
    DateOnly? Since,
    string? CertificateNumber,
    string? Product,
    string? ProducerNumber,
    string? Producer,
    string? Lot,
    int? DuplicateOf,
    DateTimeOffset? CloneWarningSince);

/// <summary>How many not-valid codes share a verdict and a reason class.</summary>
public sealed record NotValidCount(ConsignmentVerdict Verdict, ReasonClass? ReasonClass, int Count);

/// <summary>
/// The summary of a consignment: every line is counted once under its verdict (a duplicate under
/// <see cref="Duplicated"/>, not again under the first line's verdict); <see cref="UnderCloneWarning"/>
/// counts, across verdicts, the lines whose code staff confirmed copies of.
/// </summary>
public sealed record ConsignmentSummary(
    int Lines,
    int Valid,
    int Suspended,
    int Withdrawn,
    int Expired,
    int Superseded,
    int Unknown,
    int Malformed,
    int Duplicated,
    int UnderCloneWarning,
    IReadOnlyList<NotValidCount> NotValidByReason)
{
    public static ConsignmentSummary Of(IReadOnlyList<ConsignmentLine> lines)
    {
        int Count(ConsignmentVerdict verdict) => lines.Count(l => l.Verdict == verdict);
        return new ConsignmentSummary(
            lines.Count, Count(ConsignmentVerdict.Valid), Count(ConsignmentVerdict.Suspended), Count(ConsignmentVerdict.Withdrawn),
            Count(ConsignmentVerdict.Expired), Count(ConsignmentVerdict.Superseded), Count(ConsignmentVerdict.Unknown),
            Count(ConsignmentVerdict.Malformed), Count(ConsignmentVerdict.Duplicate), lines.Count(l => l.CloneWarningSince is not null),
            [.. lines.Where(l => l.Verdict is ConsignmentVerdict.Suspended or ConsignmentVerdict.Withdrawn or ConsignmentVerdict.Expired or ConsignmentVerdict.Superseded)
                .GroupBy(l => (l.Verdict, l.ReasonClass))
                .OrderBy(g => g.Key.Verdict).ThenBy(g => g.Key.ReasonClass)
                .Select(g => new NotValidCount(g.Key.Verdict, g.Key.ReasonClass, g.Count()))]);
    }

    /// <summary>The counts as the signed document states them.</summary>
    public IReadOnlyDictionary<string, int> Counts() => new SortedDictionary<string, int>(StringComparer.Ordinal)
    {
        ["lines"] = Lines, ["valid"] = Valid, ["suspended"] = Suspended, ["withdrawn"] = Withdrawn, ["expired"] = Expired,
        ["superseded"] = Superseded, ["unknown"] = Unknown, ["malformed"] = Malformed, ["duplicated"] = Duplicated,
        ["underCloneWarning"] = UnderCloneWarning,
    };
}

/// <summary>
/// A consignment report as it is kept: who asked, for which instant, how far the judging is, and once
/// done the summary, the certificates the codes belong to, the SHA-256 of its CSV and its signature.
/// Its id is 128 random bits: whoever holds it may read the report (it is meant to be handed to customs).
/// The lines are kept in a table of their own (<see cref="ConsignmentTables"/>).
/// </summary>
public sealed record ConsignmentReport(
    string Id,
    string Owner,
    string OwnerRole,
    DateTimeOffset SubmittedAt,
    DateTimeOffset At,
    DateTimeOffset KnownAt,
    string? ShipmentDate,
    ConsignmentStatus Status,
    int CodesTotal,
    int CodesDone,
    ConsignmentSummary? Summary,
    IReadOnlyList<string> CertificateNumbers,
    DateTimeOffset? CompletedAt,
    string? CsvSha256,
    string? Signature,
    string? KeyId)
{
    /// <summary>Counts every change of the report (queued, each step of progress, done).</summary>
    public long Version { get; init; } = 1;

    /// <summary>Never null, also for a report still running.</summary>
    public IReadOnlyList<string> CertificateNumbers { get; init; } = CertificateNumbers ?? [];
}
