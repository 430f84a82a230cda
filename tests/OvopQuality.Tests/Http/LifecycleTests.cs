using System.Net;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Certification.Lifecycle;
using OvopQuality.Tests.Support;
using Wolverine.Tracking;

namespace OvopQuality.Tests.Http;

public class LifecycleTests(AppFixture app) : CertificationTest(app)
{
    public enum Start
    {
        Inspected,
        Certified,
        Suspended,
        Withdrawn,
        Surrendered,
        Expired,
    }

    private async Task<Guid> AFileThatIs(Start state)
    {
        if (state == Start.Inspected)
        {
            return await AnInspectedFile();
        }

        var fileId = await ACertifiedFile();
        var reply = state switch
        {
            Start.Suspended => await Suspend(fileId, 4),
            Start.Withdrawn => await Withdraw(fileId, 4),
            Start.Surrendered => await Surrender(fileId, 4),
            _ => null,
        };
        reply?.Is(HttpStatusCode.OK);
        if (state == Start.Expired)
        {
            var file = await File(fileId);
            App.Clock.Advance(TimeSpan.FromDays(3 * 366));
            await App.Host.InvokeMessageAndWaitAsync(new ExpireCertificate(fileId, DateOnly.Parse(file["certificate"]!["validUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)));
        }

        return fileId;
    }

    public static TheoryData<Start, string, string?> Transitions => new()
    {
        { Start.Certified, "suspend", null },
        { Start.Certified, "reinstate", "not-suspended" },
        { Start.Certified, "withdraw", null },
        { Start.Certified, "surrender", null },
        { Start.Certified, "issue labels", null },
        { Start.Suspended, "suspend", "already-suspended" },
        { Start.Suspended, "reinstate", null },
        { Start.Suspended, "withdraw", null },
        { Start.Suspended, "surrender", null },
        { Start.Suspended, "issue labels", "certificate-suspended" },
        { Start.Withdrawn, "suspend", "certificate-ended" },
        { Start.Withdrawn, "reinstate", "certificate-ended" },
        { Start.Withdrawn, "withdraw", "certificate-ended" },
        { Start.Withdrawn, "surrender", "certificate-ended" },
        { Start.Withdrawn, "issue labels", "not-certified" },
        { Start.Surrendered, "reinstate", "certificate-ended" },
        { Start.Surrendered, "issue labels", "not-certified" },
        { Start.Expired, "suspend", "certificate-ended" },
        { Start.Expired, "reinstate", "certificate-ended" },
        { Start.Expired, "issue labels", "not-certified" },
        { Start.Inspected, "suspend", "not-certified" },
        { Start.Inspected, "withdraw", "not-certified" },
        { Start.Inspected, "issue labels", "not-certified" },
    };

    [Theory]
    [MemberData(nameof(Transitions))]
    public async Task The_certificate_state_machine(Start state, string command, string? refusedBy)
    {
        var fileId = await AFileThatIs(state);
        var version = await VersionOf(fileId);

        var reply = command switch
        {
            "suspend" => await Suspend(fileId, version),
            "reinstate" => await Reinstate(fileId, version),
            "withdraw" => await Withdraw(fileId, version),
            "surrender" => await Surrender(fileId, version),
            _ => await IssueLabels(fileId, version, 1),
        };

        if (refusedBy is null)
        {
            Assert.True(reply.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"{command} on {state}: {reply.Body}");
            Assert.Equal(version + 1, await VersionOf(fileId));
        }
        else
        {
            reply.IsProblem(HttpStatusCode.Conflict, refusedBy);
            Assert.Equal(version, await VersionOf(fileId));
        }
    }

    [Fact]
    public async Task Labels_of_a_suspended_certificate_verify_as_suspended_with_the_reason_and_since_when_and_valid_again_once_reinstated()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);
        var suspended = (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("suspended", suspended["status"]!.GetValue<string>());
        Assert.Equal("surveillanceFailed", suspended["reasonClass"]!.GetValue<string>());
        Assert.Contains("suspended since 2026-03-02", suspended["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.NotNull(suspended["since"]);

        (await Reinstate(fileId, 6)).Is(HttpStatusCode.OK);
        var reinstated = (await GetAnonymously($"/api/labels/{code}")).Json;
        Assert.Equal("valid", reinstated["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_withdrawn_certificates_labels_say_withdrawn_and_why_never_just_invalid()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();

        (await Withdraw(fileId, 5)).Is(HttpStatusCode.OK);

        var label = (await GetAnonymously($"/api/labels/{code}")).Json;
        Assert.Equal("withdrawn", label["status"]!.GetValue<string>());
        Assert.Contains("labels were misused", label["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_back_dated_suspension_answers_both_what_was_true_then_and_what_a_verifier_was_told_then()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();
        App.Clock.Set(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));

        (await Suspend(fileId, 5, effectiveFrom: new DateTimeOffset(2026, 3, 5, 0, 0, 0, TimeSpan.Zero))).Is(HttpStatusCode.OK);

        var trueThen = (await GetAnonymously($"/api/labels/{code}?at=2026-03-07")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("suspended", trueThen["status"]!.GetValue<string>());
        // A bare day is that day as lived in Tajikistan: its close, in Asia/Dushanbe.
        Assert.Equal("2026-03-07T18:59:59.9999999+00:00", trueThen["asOf"]!.GetValue<string>());
        var toldThen = (await GetAnonymously($"/api/labels/{code}?at=2026-03-07&knownAt=2026-03-07")).Json;
        Assert.Equal("valid", toldThen["status"]!.GetValue<string>());
        Assert.Equal("2026-03-07T18:59:59.9999999+00:00", toldThen["knownAt"]!.GetValue<string>());
        var before = (await GetAnonymously($"/api/labels/{code}?at=2026-03-04T12:00:00Z")).Json;
        Assert.Equal("valid", before["status"]!.GetValue<string>());
        var beforeIssue = (await GetAnonymously($"/api/labels/{code}?at=2026-03-01")).Json;
        Assert.Equal("unknown", beforeIssue["status"]!.GetValue<string>());

        var certificate = (await GetAnonymously($"/api/certificates/{number}?at=2026-03-07&knownAt=2026-03-08")).Is(HttpStatusCode.OK).Json;
        Assert.Equal("valid", certificate["status"]!.GetValue<string>());
        Assert.Equal("suspended", (await GetAnonymously($"/api/certificates/{number}")).Json["status"]!.GetValue<string>());

        var timeline = (await GetAnonymously($"/api/certificates/{number}/timeline")).Is(HttpStatusCode.OK).Json["entries"]!.AsArray();
        Assert.Equal(["granted", "suspended"], timeline.Select(t => t!["event"]!.GetValue<string>()));
        Assert.Equal("2026-03-05T00:00:00+00:00", timeline[1]!["effectiveFrom"]!.GetValue<string>());
        Assert.Equal("surveillanceFailed", timeline[1]!["reasonClass"]!.GetValue<string>());
        Assert.DoesNotContain("Moisture", timeline.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Effective_times_in_the_future_or_before_the_grant_are_refused_naming_the_field()
    {
        var fileId = await ACertifiedFile();

        (await Suspend(fileId, 4, effectiveFrom: App.Clock.GetUtcNow().AddDays(2))).IsInvalid("effectiveFrom");
        (await Suspend(fileId, 4, effectiveFrom: new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))).IsInvalid("effectiveFrom");
        (await GetAnonymously("/api/labels/0000-0000-0000-0000-0?at=yesterday")).IsInvalid("at");
    }

    [Fact]
    public async Task A_grant_schedules_surveillance_reminders_and_expiry_as_durable_messages()
    {
        var fileId = await AnInspectedFile();

        var tracked = await App.Host.ExecuteAndWaitAsync(async () => (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK));

        var scheduled = tracked.Scheduled.Envelopes().Select(e => (e.Message, e.ScheduledTime)).ToList();
        Assert.Contains(scheduled, s => s.Message is ExpireCertificate x && x.FileId == fileId && s.ScheduledTime == new DateTimeOffset(2029, 3, 2, 0, 0, 0, TimeSpan.FromHours(5)));
        Assert.Equal([90, 30, 7], scheduled.Select(s => s.Message).OfType<RemindOfExpiry>().Where(r => r.FileId == fileId).Select(r => r.DaysBefore).Order().Reverse());
        Assert.Equal([new DateOnly(2027, 3, 2), new DateOnly(2028, 3, 2)], scheduled.Select(s => s.Message).OfType<SurveillanceFallsDue>().Where(r => r.FileId == fileId).Select(r => r.DueOn));
    }

    [Fact]
    public async Task A_scheduled_transition_delivered_twice_changes_the_file_once()
    {
        var fileId = await ACertifiedFile();
        var validUntil = DateOnly.Parse((await File(fileId))["certificate"]!["validUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        object[] twice =
        [
            new RemindOfExpiry(fileId, 90, validUntil), new RemindOfExpiry(fileId, 90, validUntil),
            new SurveillanceFallsDue(fileId, 1, validUntil.AddYears(-2), validUntil), new SurveillanceFallsDue(fileId, 1, validUntil.AddYears(-2), validUntil),
            new ExpireCertificate(fileId, validUntil), new ExpireCertificate(fileId, validUntil),
        ];

        foreach (var message in twice)
        {
            await App.Host.InvokeMessageAndWaitAsync(message);
        }

        var types = (await Get($"/api/certifications/{fileId}/events")).Items.Select(e => e!["type"]!.GetValue<string>()).ToList();
        Assert.Equal(1, types.Count(t => t == "expiryReminderDue"));
        Assert.Equal(1, types.Count(t => t == "surveillanceFellDue"));
        Assert.Equal(1, types.Count(t => t == "certificateExpired"));
    }

    [Fact]
    public async Task At_the_end_of_validity_the_certificate_expires_by_itself_and_its_labels_say_so()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Json["codes"]![0]!.GetValue<string>();
        App.Clock.Set(new DateTimeOffset(2029, 3, 2, 0, 0, 1, TimeSpan.Zero));

        await App.Host.InvokeMessageAndWaitAsync(new ExpireCertificate(fileId, new DateOnly(2029, 3, 1)));

        Assert.Equal("expired", (await File(fileId))["status"]!.GetValue<string>());
        Assert.Equal("expired", (await GetAnonymously($"/api/labels/{code}")).Json["status"]!.GetValue<string>());
        var history = (await Get($"/api/certifications/{fileId}/events")).Items;
        Assert.Equal(("certificateExpired", "system"), (history[^1]!["type"]!.GetValue<string>(), history[^1]!["actor"]!.GetValue<string>()));
    }

    [Fact]
    public async Task At_the_suspension_cap_the_certificate_is_withdrawn_by_itself_unless_reinstated_before()
    {
        var capped = await ACertifiedFile();
        var tracked = await App.Host.ExecuteAndWaitAsync(async () => (await Suspend(capped, 4)).Is(HttpStatusCode.OK));
        var cap = tracked.Scheduled.Envelopes().Single(e => e.Message is WithdrawAtSuspensionCap w && w.FileId == capped);
        Assert.Equal(AppFixture.Start.AddDays(183), cap.ScheduledTime);

        await App.Host.InvokeMessageAndWaitAsync(cap.Message!);

        var file = await File(capped);
        Assert.Equal("withdrawn", file["status"]!.GetValue<string>());
        var number = file["certificate"]!["number"]!.GetValue<string>();
        var timeline = (await GetAnonymously($"/api/certificates/{number}/timeline")).Json["entries"]!.AsArray();
        Assert.Equal("suspensionCapReached", timeline[^1]!["reasonClass"]!.GetValue<string>());

        var lifted = await ACertifiedFile();
        var liftedTracked = await App.Host.ExecuteAndWaitAsync(async () => (await Suspend(lifted, 4)).Is(HttpStatusCode.OK));
        (await Reinstate(lifted, 5)).Is(HttpStatusCode.OK);
        await App.Host.InvokeMessageAndWaitAsync(liftedTracked.Scheduled.Envelopes().Single(e => e.Message is WithdrawAtSuspensionCap).Message!);
        Assert.Equal("certified", (await File(lifted))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reminders_before_expiry_become_notifications_the_producer_can_read()
    {
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var producer = ProducerOf(file["producerNumber"]!.GetValue<string>());

        await App.Host.InvokeMessageAndWaitAsync(new RemindOfExpiry(fileId, 90, new DateOnly(2029, 3, 1)));
        await App.Host.InvokeMessageAndWaitAsync(new RemindOfExpiry(fileId, 30, new DateOnly(2029, 3, 1)));
        await App.Host.InvokeMessageAndWaitAsync(new RemindOfExpiry(fileId, 7, new DateOnly(2030, 1, 1)));

        var notes = (await Get($"/api/producers/{file["producerId"]}/notifications", producer)).Is(HttpStatusCode.OK).Items;
        Assert.Equal(2, notes.Count(n => n!["kind"]!.GetValue<string>() == "expiryReminder"));
        Assert.Contains(notes, n => n!["message"]!.GetValue<string>().Contains("expires in 90 days", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_surveillance_due_is_listed_becomes_overdue_and_a_clean_surveillance_inspection_clears_it()
    {
        var fileId = await ACertifiedFile();
        var granted = await File(fileId);
        var validFrom = DateOnly.Parse(granted["certificate"]!["validFrom"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(validFrom.AddMonths(12), DateOnly.Parse(granted["nextSurveillanceOn"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(2, granted["surveillanceSchedule"]!.AsArray().Count);
        var upcoming = (await Get($"/api/surveillance?dueBy={validFrom.AddMonths(12):yyyy-MM-dd}&limit=1")).Is(HttpStatusCode.OK);
        Assert.True(upcoming.Json["total"]!.GetValue<int>() >= 1);
        App.Clock.Set(new DateTimeOffset(2027, 3, 2, 8, 0, 0, TimeSpan.Zero));
        await App.Host.InvokeMessageAndWaitAsync(new SurveillanceFallsDue(fileId, 1, new DateOnly(2027, 3, 2), new DateOnly(2029, 3, 1)));

        var due = (await Get("/api/surveillance?due=true&limit=500")).Is(HttpStatusCode.OK).Items;
        Assert.Contains(due, d => d!["fileId"]!.GetValue<Guid>() == fileId && d["due"]!.GetValue<bool>() && !d["overdue"]!.GetValue<bool>() && d["round"]!.GetValue<int>() == 1);
        App.Clock.Advance(TimeSpan.FromDays(45));
        Assert.Contains((await Get("/api/surveillance?overdue=true&limit=500")).Items, d => d!["fileId"]!.GetValue<Guid>() == fileId);

        var version = await VersionOf(fileId);
        var inspection = await Schedule(fileId, version);
        (await Record(fileId, inspection, version + 1)).Is(HttpStatusCode.OK);

        Assert.DoesNotContain((await Get("/api/surveillance?due=true&limit=500")).Items, d => d!["fileId"]!.GetValue<Guid>() == fileId);
        var file = await File(fileId);
        Assert.Equal(validFrom.AddMonths(24), DateOnly.Parse(file["nextSurveillanceOn"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("certified", file["status"]!.GetValue<string>());
        var number = file["certificate"]!["number"]!.GetValue<string>();
        var timeline = (await GetAnonymously($"/api/certificates/{number}/timeline")).Json["entries"]!.AsArray();
        Assert.Equal("surveillancePassed", timeline[^1]!["event"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_scheduled_message_for_an_old_validity_changes_nothing()
    {
        var fileId = await ACertifiedFile();
        var version = await VersionOf(fileId);

        await App.Host.InvokeMessageAndWaitAsync(new ExpireCertificate(fileId, new DateOnly(2031, 1, 1)));

        Assert.Equal(version, await VersionOf(fileId));
        Assert.Equal("certified", (await File(fileId))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_certificate_decided_on_paper_before_the_registry_is_recorded_with_its_own_validity_and_expires_at_once_if_over()
    {
        var fileId = await AnApplication();
        var inspection = await Schedule(fileId, 1);
        var body = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(InspectionBody(2), AppFixture.Json))!;
        body["tookPlaceOn"] = "2022-05-10";
        (await Post($"/api/certifications/{fileId}/inspections/{inspection}/results", body, InspectorNamed(Inspector))).Is(HttpStatusCode.OK);

        (await Post($"/api/certifications/{fileId}/decisions/standard-met", new { expectedVersion = 3, scope = "Dried apricots", validFrom = "2022-05-01" }, OfficerNamed(Officer)))
            .IsInvalid("validFrom");
        var tracked = await App.Host.ExecuteAndWaitAsync(async () =>
            (await Post($"/api/certifications/{fileId}/decisions/standard-met", new { expectedVersion = 3, scope = "Dried apricots", validFrom = "2022-05-20" }, OfficerNamed(Officer)))
                .Is(HttpStatusCode.OK));

        var number = (await File(fileId))["certificate"]!["number"]!.GetValue<string>();
        Assert.Equal("2025-05-19", (await File(fileId))["certificate"]!["validUntil"]!.GetValue<string>());
        var scheduled = tracked.Scheduled.Envelopes().Concat(tracked.Sent.Envelopes()).Select(e => e.Message).ToList();
        Assert.DoesNotContain(scheduled, m => m is RemindOfExpiry r && r.FileId == fileId);
        Assert.Contains(scheduled, m => m is ExpireCertificate x && x.FileId == fileId);
        Assert.Equal("valid", (await GetAnonymously($"/api/certificates/{number}?at=2024-01-01")).Json["status"]!.GetValue<string>());
        Assert.Equal("unknown", (await GetAnonymously($"/api/certificates/{number}?at=2024-01-01&knownAt=2024-01-01")).Json["status"]!.GetValue<string>());
        Assert.Equal("expired", (await GetAnonymously($"/api/certificates/{number}")).Json["status"]!.GetValue<string>());
    }
}
