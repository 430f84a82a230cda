using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using OvopQuality.Api.Access;
using OvopQuality.Api.Webhooks;
using OvopQuality.Tests.Support;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace OvopQuality.Tests.Http;

/// <summary>
/// Exporters are told: an exporter watches certificates (one by number, or all of a producer's) and
/// registers a webhook; each change of a watched certificate is POSTed to a real receiver the test
/// starts on 127.0.0.1, signed per Standard Webhooks and checked here as a receiver would check it
/// (with the StandardWebhooks library, not the service's code).
/// </summary>
public sealed class WebhookTests(AppFixture app) : CertificationTest(app)
{
    private static User AnExporter() => new("exporter-" + Guid.NewGuid().ToString("N")[..10], Roles.Exporter);

    private async Task<(Guid Id, string Secret)> RegisterWebhook(User exporter, string endpoint)
    {
        var reply = (await Post("/api/webhooks", new { endpoint, description = "Customs desk" }, exporter)).Is(HttpStatusCode.Created);
        return (reply.Json["id"]!.GetValue<Guid>(), reply.Json["secret"]!.GetValue<string>());
    }

    private async Task<Guid> Watch(User exporter, string? certificateNumber = null, string? producerNumber = null) =>
        (await Post("/api/watches", new { certificateNumber, producerNumber }, exporter)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();

    private async Task<string> NumberOf(Guid fileId) => (await File(fileId))["certificate"]!["number"]!.GetValue<string>();

    /// <summary>The exporter's delivery with that webhook-id, once <paramref name="until"/> holds of it.</summary>
    private async Task<JsonNode> DeliveryAsync(User exporter, string messageId, Func<JsonNode, bool> until, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        JsonNode? found = null;
        while (DateTime.UtcNow < deadline)
        {
            var page = (await Get("/api/webhook-deliveries?limit=500", exporter)).Is(HttpStatusCode.OK);
            found = page.Items.FirstOrDefault(d => d!["messageId"]!.GetValue<string>() == messageId);
            if (found is not null && until(found))
            {
                return found;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new Xunit.Sdk.XunitException($"Delivery {messageId} did not get there within {seconds} s: {found?.ToJsonString() ?? "no such delivery"}");
    }

    private static string State(JsonNode delivery) => delivery["state"]!.GetValue<string>();

    [Fact]
    public async Task An_exporter_watching_a_consignment_report_is_told_when_a_certificate_its_codes_belong_to_is_suspended()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var exporter = AnExporter();
        await RegisterWebhook(exporter, receiver.Url + "/consignment");
        var fileId = await ACertifiedFile();
        var number = await NumberOf(fileId);
        var code = (await IssueLabels(fileId, 4, 1)).Is(HttpStatusCode.Created).Json["codes"]![0]!.GetValue<string>();
        var consignmentId = (await Post("/api/consignments", new { codes = new[] { code } }, exporter)).Is(HttpStatusCode.Created).Json["id"]!.GetValue<string>();

        var watch = (await Post("/api/watches", new { consignmentId = consignmentId.ToUpperInvariant() }, exporter)).Is(HttpStatusCode.Created).Json;
        Assert.Equal("consignment", watch["kind"]!.GetValue<string>());
        Assert.Equal(consignmentId, watch["number"]!.GetValue<string>());
        (await Post("/api/watches", new { consignmentId = new string('0', 32) }, exporter)).IsProblem(HttpStatusCode.NotFound, "consignment-not-found");
        (await Post("/api/watches", new { consignmentId, certificateNumber = number }, exporter)).IsInvalid("certificateNumber");
        (await Post("/api/watches", new { consignmentId }, exporter)).IsProblem(HttpStatusCode.Conflict, "already-watched");

        (await Suspend(fileId, 5)).Is(HttpStatusCode.OK);

        var received = await receiver.NextAsync("/consignment", seconds: 60);
        var data = JsonNode.Parse(received.Body)!["data"]!;
        Assert.Equal(number, data["certificateNumber"]!.GetValue<string>());
        Assert.Equal("suspended", data["event"]!.GetValue<string>());
    }

    [Fact]
    public async Task Given_an_exporter_watching_a_certificate_when_it_is_suspended_its_webhook_receives_one_signed_message()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var exporter = AnExporter();
        var (webhookId, secret) = await RegisterWebhook(exporter, receiver.Url + "/ovop");
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        var fileId = await ACertifiedFile();
        var number = await NumberOf(fileId);
        await Watch(exporter, certificateNumber: number.ToLowerInvariant());

        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);

        var received = await receiver.NextAsync("/ovop", seconds: 60);
        new StandardWebhook(secret).Verify(received.Body, received.Headers);
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook(secret).Verify(received.Body.Replace("suspended", "reinstated", StringComparison.Ordinal), received.Headers));
        Assert.Throws<WebhookVerificationException>(() => new StandardWebhook("whsec_" + Convert.ToBase64String(new byte[32])).Verify(received.Body, received.Headers));
        Assert.StartsWith("msg_", received.Id, StringComparison.Ordinal);
        Assert.Equal("application/json; charset=utf-8", received.Headers.ContentType.ToString());

        var body = JsonNode.Parse(received.Body)!;
        Assert.Equal("certificate.suspended", body["type"]!.GetValue<string>());
        var data = body["data"]!;
        Assert.Equal(number, data["certificateNumber"]!.GetValue<string>());
        Assert.Equal("suspended", data["event"]!.GetValue<string>());
        Assert.Equal("suspended", data["status"]!.GetValue<string>());
        Assert.Equal("surveillanceFailed", data["reasonClass"]!.GetValue<string>());
        Assert.Equal(App.Clock.GetUtcNow(), data["effectiveFrom"]!.GetValue<DateTimeOffset>());
        Assert.Equal((await File(fileId))["producerNumber"]!.GetValue<string>(), data["producerNumber"]!.GetValue<string>());
        Assert.Equal($"{AppFixture.PublicBaseUrl}/api/certificates/{number}", data["certificateUrl"]!.GetValue<string>());
        Assert.Contains(number, data["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        // What anyone may know of it, no more: the officer's own words stay with the file.
        Assert.DoesNotContain("Moisture", received.Body, StringComparison.Ordinal);

        var delivery = await DeliveryAsync(exporter, received.Id, d => State(d) == "delivered");
        Assert.Equal(webhookId, delivery["webhookId"]!.GetValue<Guid>());
        var attempt = Assert.Single(delivery["attempts"]!.AsArray())!;
        Assert.Equal(204, attempt["statusCode"]!.GetValue<int>());
        Assert.True(attempt["durationMs"]!.GetValue<long>() >= 0);
        Assert.Null(attempt["error"]);

        // The secret was shown once: no answer gives it again.
        var listed = (await Get("/api/webhooks", exporter)).Is(HttpStatusCode.OK);
        Assert.Equal(webhookId, Assert.Single(listed.Items)!["id"]!.GetValue<Guid>());
        Assert.DoesNotContain("whsec_", listed.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec_", (await Get($"/api/webhooks/{webhookId}", exporter)).Is(HttpStatusCode.OK).Body, StringComparison.Ordinal);
        Assert.False(await receiver.AnyArrivesWithinAsync(1.5), "the change was delivered more than once");
    }

    [Fact]
    public async Task A_producer_watch_catches_the_certificates_the_producer_is_granted_after_it_and_nothing_of_other_producers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var exporter = AnExporter();
        var (_, secret) = await RegisterWebhook(exporter, receiver.Url + "/producer");
        var (producerId, productId) = await AProducerWithApricots();
        var producerNumber = (await Get($"/api/producers/{producerId}")).Is(HttpStatusCode.OK).Json["number"]!.GetValue<string>();
        await Watch(exporter, producerNumber: producerNumber);
        var elsewhere = await ACertifiedFile();

        var fileId = (await Post("/api/certifications", ApplicationBody(producerId, productId))).Is(HttpStatusCode.Created).Json["id"]!.GetValue<Guid>();
        var inspection = await Schedule(fileId, 1);
        (await Record(fileId, inspection, 2)).Is(HttpStatusCode.OK);
        (await DecideMet(fileId, 3)).Is(HttpStatusCode.OK);
        var number = await NumberOf(fileId);

        var granted = await receiver.NextAsync(seconds: 60);
        new StandardWebhook(secret).Verify(granted.Body, granted.Headers);
        Assert.Equal("certificate.granted", JsonNode.Parse(granted.Body)!["type"]!.GetValue<string>());
        Assert.Equal(number, JsonNode.Parse(granted.Body)!["data"]!["certificateNumber"]!.GetValue<string>());

        (await Suspend(elsewhere, 4)).Is(HttpStatusCode.OK);
        (await Withdraw(fileId, 4)).Is(HttpStatusCode.OK);
        var withdrawn = await receiver.NextAsync();
        var data = JsonNode.Parse(withdrawn.Body)!["data"]!;
        Assert.Equal("withdrawn", data["event"]!.GetValue<string>());
        Assert.Equal(number, data["certificateNumber"]!.GetValue<string>());
        Assert.Equal("misuseOfLabels", data["reasonClass"]!.GetValue<string>());
        Assert.False(await receiver.AnyArrivesWithinAsync(1.5), "a certificate of another producer was delivered");
    }

    [Fact]
    public async Task A_failed_attempt_is_recorded_with_the_receivers_answer_and_the_next_is_scheduled_and_a_delivery_is_redelivered_on_request()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Answer = (path, _) => path == "/down" ? 500 : 200;
        var exporter = AnExporter();
        await RegisterWebhook(exporter, receiver.Url + "/down");
        await RegisterWebhook(exporter, receiver.Url + "/up");
        var fileId = await ACertifiedFile();
        await Watch(exporter, certificateNumber: await NumberOf(fileId));
        (await Surrender(fileId, 4)).Is(HttpStatusCode.OK);

        var down = await receiver.NextAsync("/down", seconds: 60);
        var failing = await DeliveryAsync(exporter, down.Id, d => d["attempts"]!.AsArray().Count == 1);
        Assert.Equal("pending", State(failing));
        var first = failing["attempts"]![0]!;
        Assert.Equal(500, first["statusCode"]!.GetValue<int>());
        Assert.Equal("receiver says no", first["responseExcerpt"]!.GetValue<string>());
        Assert.True(failing["nextAttemptAt"]!.GetValue<DateTimeOffset>() > first["at"]!.GetValue<DateTimeOffset>());
        // Still being retried: not redelivered by hand.
        (await Post($"/api/webhook-deliveries/{failing["id"]}/redelivery", new { expectedVersion = failing["version"]!.GetValue<long>() }, exporter))
            .IsProblem(HttpStatusCode.Conflict, "delivery-still-retrying");

        var up = await receiver.NextAsync("/up");
        Assert.Equal("certificate.surrendered", JsonNode.Parse(up.Body)!["type"]!.GetValue<string>());
        var delivered = await DeliveryAsync(exporter, up.Id, d => State(d) == "delivered");
        var version = delivered["version"]!.GetValue<long>();
        (await Post($"/api/webhook-deliveries/{delivered["id"]}/redelivery", new { expectedVersion = version + 7 }, exporter))
            .IsProblem(HttpStatusCode.Conflict, "stale-version");
        var queued = (await Post($"/api/webhook-deliveries/{delivered["id"]}/redelivery", new { expectedVersion = version }, exporter)).Is(HttpStatusCode.OK);
        Assert.Equal(version + 1, queued.Json["version"]!.GetValue<long>());

        var again = await receiver.NextAsync("/up");
        Assert.Equal(up.Id, again.Id);
        Assert.Equal(up.Body, again.Body);
        var redelivered = await DeliveryAsync(exporter, up.Id, d => d["attempts"]!.AsArray().Count == 2 && State(d) == "delivered");
        Assert.True(redelivered["attempts"]![1]!["redelivery"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_exporters_webhooks_watches_and_deliveries_are_invisible_to_everyone_else()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var owner = AnExporter();
        var other = AnExporter();
        var (webhookId, _) = await RegisterWebhook(owner, receiver.Url + "/mine");
        var fileId = await ACertifiedFile();
        var watchId = await Watch(owner, certificateNumber: await NumberOf(fileId));
        (await Suspend(fileId, 4)).Is(HttpStatusCode.OK);
        var received = await receiver.NextAsync(seconds: 60);
        var delivery = await DeliveryAsync(owner, received.Id, d => State(d) == "delivered");

        Assert.Equal(0, (await Get("/api/webhooks", other)).Is(HttpStatusCode.OK).Json["total"]!.GetValue<int>());
        Assert.Equal(0, (await Get("/api/watches", other)).Is(HttpStatusCode.OK).Json["total"]!.GetValue<int>());
        Assert.Equal(0, (await Get("/api/webhook-deliveries", other)).Is(HttpStatusCode.OK).Json["total"]!.GetValue<int>());
        (await Get($"/api/webhooks/{webhookId}", other)).IsProblem(HttpStatusCode.NotFound, "webhook-not-found");
        (await Get($"/api/watches/{watchId}", other)).IsProblem(HttpStatusCode.NotFound, "watch-not-found");
        (await Get($"/api/webhook-deliveries/{delivery["id"]}", other)).IsProblem(HttpStatusCode.NotFound, "webhook-delivery-not-found");
        (await Post($"/api/webhook-deliveries/{delivery["id"]}/redelivery", new { expectedVersion = delivery["version"]!.GetValue<long>() }, other))
            .IsProblem(HttpStatusCode.NotFound, "webhook-delivery-not-found");
        (await Send(HttpMethod.Delete, $"/api/webhooks/{webhookId}", null, other)).IsProblem(HttpStatusCode.NotFound, "webhook-not-found");
        (await Send(HttpMethod.Delete, $"/api/watches/{watchId}", null, other)).IsProblem(HttpStatusCode.NotFound, "watch-not-found");
        // Other roles may not hold webhooks at all, staff included.
        (await Get("/api/webhook-deliveries")).Is(HttpStatusCode.Forbidden);
        (await Post("/api/webhooks", new { endpoint = receiver.Url + "/x" }, ProducerOf("TJ-P-000001"))).Is(HttpStatusCode.Forbidden);
        (await GetAnonymously("/api/watches")).Is(HttpStatusCode.Unauthorized);
        Assert.False(await receiver.AnyArrivesWithinAsync(0.5));

        // The owner's own are untouched, and the owner can stop them.
        (await Get($"/api/webhook-deliveries/{delivery["id"]}", owner)).Is(HttpStatusCode.OK);
        Assert.Equal(2, (await Send(HttpMethod.Delete, $"/api/watches/{watchId}", null, owner)).Is(HttpStatusCode.OK).Json["version"]!.GetValue<long>());
        (await Send(HttpMethod.Delete, $"/api/webhooks/{webhookId}", null, owner)).Is(HttpStatusCode.OK);
        (await Reinstate(fileId, 5)).Is(HttpStatusCode.OK);
        Assert.False(await receiver.AnyArrivesWithinAsync(1.5), "a removed watch and webhook still received");
    }

    [Theory]
    [InlineData("https://10.0.0.8/hook")]
    [InlineData("https://172.16.3.4/hook")]
    [InlineData("https://192.168.1.20/hook")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data/")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[fd00:ec2::254]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook")]
    [InlineData("http://93.184.216.34/hook")]
    [InlineData("https://user:secret@93.184.216.34/hook")]
    [InlineData("ftp://93.184.216.34/hook")]
    [InlineData("/relative/hook")]
    public async Task A_webhook_to_an_internal_address_or_not_https_is_refused_and_nothing_is_stored(string endpoint)
    {
        var exporter = AnExporter();
        (await Post("/api/webhooks", new { endpoint }, exporter)).IsInvalid("endpoint");
        Assert.Equal(0, (await Get("/api/webhooks", exporter)).Is(HttpStatusCode.OK).Json["total"]!.GetValue<int>());
    }

    [Fact]
    public void Only_public_addresses_are_allowed_and_loopback_only_when_the_setting_says_so()
    {
        foreach (var address in new[] { "127.0.0.1", "::1", "10.1.2.3", "169.254.169.254", "192.168.0.1", "fc00::1", "::ffff:127.0.0.1", "224.0.0.1" })
        {
            Assert.False(OutboundAddresses.IsAllowed(IPAddress.Parse(address), allowLoopback: false), address);
        }

        foreach (var address in new[] { "93.184.216.34", "2606:4700:4700::1111", "8.8.8.8" })
        {
            Assert.True(OutboundAddresses.IsAllowed(IPAddress.Parse(address), allowLoopback: false), address);
        }

        Assert.True(OutboundAddresses.IsAllowed(IPAddress.Parse("127.0.0.1"), allowLoopback: true));
        Assert.False(OutboundAddresses.IsAllowed(IPAddress.Parse("10.0.0.1"), allowLoopback: true));
        Assert.False(OutboundAddresses.IsAllowed(IPAddress.Parse("169.254.169.254"), allowLoopback: true));
    }

    [Fact]
    public async Task At_delivery_the_address_connected_to_is_checked_again_so_a_name_that_now_resolves_inside_is_not_called()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secrets = App.Host.Services.GetRequiredService<WebhookSecrets>();
        var id = Guid.NewGuid();
        // As if the name had resolved to a public address at registration and resolves to loopback now.
        var endpoint = receiver.Url.Replace("http://127.0.0.1", "https://localhost", StringComparison.Ordinal) + "/rebound";
        var webhook = new Webhook(id, "exporter-x", endpoint, null, secrets.Make(id).Sealed, App.Clock.GetUtcNow(), null, 1);
        var delivery = new WebhookDelivery(Guid.NewGuid(), "exporter-x", id, endpoint, "certificate.suspended", "TJ-OVOP-2026-000001", "{}", App.Clock.GetUtcNow(),
            DeliveryState.Pending, null, [], 1);
        using var sender = new WebhookSender(new WebhookSettings { AllowInsecureLoopback = false, Timeout = TimeSpan.FromSeconds(3) }, secrets);

        var attempt = await sender.SendAsync(webhook, delivery, 1, false, App.Clock.GetUtcNow(), TestContext.Current.CancellationToken);

        Assert.Null(attempt.StatusCode);
        Assert.Contains("no public address", attempt.Error, StringComparison.Ordinal);
        Assert.False(await receiver.AnyArrivesWithinAsync(0.5));
    }

    [Fact]
    public async Task The_producers_notifications_show_a_surrender_as_the_exporters_webhook_does()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var exporter = AnExporter();
        await RegisterWebhook(exporter, receiver.Url + "/surrender");
        var fileId = await ACertifiedFile();
        var file = await File(fileId);
        var number = await NumberOf(fileId);
        await Watch(exporter, certificateNumber: number);

        (await Surrender(fileId, 4)).Is(HttpStatusCode.OK);

        Assert.Equal("certificate.surrendered", JsonNode.Parse((await receiver.NextAsync(seconds: 60)).Body)!["type"]!.GetValue<string>());
        var notices = (await Get($"/api/producers/{file["producerId"]}/notifications?lang=en", ProducerOf(file["producerNumber"]!.GetValue<string>()))).Is(HttpStatusCode.OK);
        var surrendered = notices.Items.Single(n => n!["kind"]!.GetValue<string>() == "surrendered")!;
        Assert.Equal(number, surrendered["certificateNumber"]!.GetValue<string>());
        Assert.Contains($"Certificate {number} is surrendered from {Today:yyyy-MM-dd} at your request", surrendered["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Deliveries a second to a local receiver, end to end: 20 changes of one certificate watched by 20
    /// webhooks (two exporters with ten each), from the first command to the last webhook received.
    /// The figure is printed and left in artifacts/webhooks.txt.
    /// </summary>
    [Fact]
    public async Task Deliveries_per_second_to_a_local_receiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var fileId = await ACertifiedFile();
        var number = await NumberOf(fileId);
        User[] exporters = [AnExporter(), AnExporter()];
        foreach (var exporter in exporters)
        {
            await Watch(exporter, certificateNumber: number);
            for (var i = 0; i < 10; i++)
            {
                await RegisterWebhook(exporter, $"{receiver.Url}/bench/{exporter.Subject}/{i}");
            }
        }

        const int changes = 20;
        var clock = Stopwatch.StartNew();
        for (var version = 4; version < 4 + changes; version++)
        {
            (await (version % 2 == 0 ? Suspend(fileId, version) : Reinstate(fileId, version))).Is(HttpStatusCode.OK);
        }

        var commands = clock.Elapsed;
        var expected = changes * 20;
        while (receiver.All.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(120))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var elapsed = clock.Elapsed;
        if (receiver.All.Count != expected)
        {
            var states = new List<string>();
            foreach (var exporter in exporters)
            {
                var page = (await Get("/api/webhook-deliveries?limit=500", exporter)).Json;
                states.Add($"{exporter.Subject}: {page["total"]} deliveries; " + string.Join("; ", page["items"]!.AsArray()
                    .GroupBy(d => $"{d!["state"]} after {d["attempts"]!.AsArray().Count} attempts {d["attempts"]!.AsArray().LastOrDefault()?["error"]}")
                    .Select(g => $"{g.Count()} {g.Key}")));
            }

            Assert.Fail($"{receiver.All.Count} of {expected} webhooks arrived in {elapsed.TotalSeconds:F0} s. " + string.Join(" | ", states));
        }

        Assert.Equal(expected, receiver.All.Select(r => r.Id).Distinct().Count());
        var arrivals = receiver.All.Select(r => r.At).Order().ToList();
        var span = (arrivals[^1] - arrivals[0]).TotalSeconds;
        var line = string.Create(CultureInfo.InvariantCulture,
            $"webhooks: {expected} deliveries of {changes} changes to 20 webhooks in {elapsed.TotalSeconds:F2} s from the first command, {expected / elapsed.TotalSeconds:F0}/s end to end "
            + $"(the {changes} commands took {commands.TotalSeconds:F2} s); {(expected - 1) / span:F0}/s from the first arrival to the last ({span:F2} s)");
        Console.WriteLine(line);
        TestContext.Current.SendDiagnosticMessage(line);
        var artifacts = Environment.GetEnvironmentVariable("OVOP_ARTIFACTS");
        if (!string.IsNullOrEmpty(artifacts))
        {
            Directory.CreateDirectory(artifacts);
            await System.IO.File.WriteAllTextAsync(Path.Combine(artifacts, "webhooks.txt"), line + Environment.NewLine, TestContext.Current.CancellationToken);
        }
    }
}
