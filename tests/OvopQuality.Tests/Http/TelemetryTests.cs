using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using Alba;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using OvopQuality.Api.Infrastructure;
using OvopQuality.Tests.Support;
using Wolverine;

namespace OvopQuality.Tests.Http;

/// <summary>
/// What operators see: a command's trace from the HTTP server span down to the SQL it sent, the
/// service's own counters, and the Prometheus scrape endpoint.
/// </summary>
public sealed class TelemetryTests(AppFixture app) : CertificationTest(app)
{
    [Fact]
    public async Task A_command_is_traced_from_its_server_span_through_the_store_to_the_database_in_one_trace()
    {
        var spans = new SpanList();
        // Traces are recorded only for a collector: this one is named but never answers; the spans are
        // read beside it, from an exporter the test adds.
        await using var other = await StartOtherAsync(services => services.ConfigureOpenTelemetryTracerProvider(t => t.AddInMemoryExporter(spans)),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9"));
        using var client = other.Server.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/producers")
        {
            Content = System.Net.Http.Json.JsonContent.Create(ProducerBody(NewTaxId()), options: AppFixture.Json),
        };
        request.Headers.Authorization = new("Bearer", TokenOf(Administrator));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // The server span ends after the answer reached the client.
        var inTrace = await Eventually(() => spans.Snapshot().Where(s => s.TraceId == traceId).ToList(),
            found => found.Any(s => s.Kind == ActivityKind.Server));
        var sources = string.Join(", ", inTrace.Select(s => $"{s.Source.Name}:{s.DisplayName}"));
        var server = Assert.Single(inTrace, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Equal("/api/producers", server.GetTagItem("http.route"));
        Assert.True(inTrace.Any(s => s.Source.Name is "Marten" or "Wolverine"), "no Marten or Wolverine span in the trace: " + sources);
        Assert.True(inTrace.Any(s => s.Source.Name == "Npgsql"), "no Npgsql span in the trace: " + sources);
        await WriteArtifact("telemetry-trace.txt", string.Join('\n', inTrace.OrderBy(s => s.StartTimeUtc).Select(s => $"{s.Source.Name}\t{s.Kind}\t{s.DisplayName}")));
    }

    [Fact]
    public async Task Commands_are_counted_by_operation_and_outcome_and_verifications_by_verdict()
    {
        using var measured = new OwnMeasurements(App.Host.Services.GetRequiredService<IMeterFactory>());
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Is(HttpStatusCode.Created).Json["codes"]![0]!.GetValue<string>();
        (await IssueLabels(fileId, 4, 1)).IsProblem(HttpStatusCode.Conflict, "stale-version");
        (await PostRaw("/api/producers", "{}")).Is(HttpStatusCode.BadRequest);
        (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK);
        (await GetAnonymously("/api/labels/0000-0000-0000-0000-0")).Is(HttpStatusCode.NotFound);

        await Eventually(() => measured.Count("ovop.commands", ("command", "IssueLabels"), ("outcome", "success")), n => n == 1);
        Assert.Equal(1, measured.Count("ovop.commands", ("command", "IssueLabels"), ("outcome", "stale-version")));
        Assert.Equal(1, measured.Count("ovop.commands", ("command", "RegisterProducer"), ("outcome", "invalid-input")));
        Assert.Equal(1, measured.Count("ovop.label.verifications", ("verdict", "valid")));
        Assert.Equal(1, measured.Count("ovop.label.verifications", ("verdict", "not-found")));
        Assert.Equal(0, measured.Count("ovop.commands", ("command", "GetLabel")));
        Assert.DoesNotContain(measured.TagValues(), value => value.Contains(code, StringComparison.Ordinal) || value.Contains(fileId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_command_answered_again_for_its_idempotency_key_is_counted_as_replayed()
    {
        using var measured = new OwnMeasurements(App.Host.Services.GetRequiredService<IMeterFactory>());
        var body = System.Text.Json.JsonSerializer.Serialize(ProducerBody(NewTaxId()), AppFixture.Json);
        var key = Guid.NewGuid().ToString();
        foreach (var expected in new[] { false, true })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/producers") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", TokenOf(Administrator));
            request.Headers.Add(IdempotencyKeys.Header, key);
            using var response = await App.Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(expected, response.Headers.Contains(IdempotencyKeys.ReplayedHeader));
        }

        await Eventually(() => measured.Count("ovop.commands", ("command", "RegisterProducer"), ("outcome", "replayed")), n => n == 1);
        Assert.Equal(1, measured.Count("ovop.commands", ("command", "RegisterProducer"), ("outcome", "success")));
    }

    [Fact]
    public async Task The_metrics_endpoint_answers_prometheus_text_with_the_services_own_metrics_and_no_label_code()
    {
        var fileId = await ACertifiedFile();
        var code = (await IssueLabels(fileId, 4, 1)).Is(HttpStatusCode.Created).Json["codes"]![0]!.GetValue<string>();
        (await GetAnonymously($"/api/labels/{code}")).Is(HttpStatusCode.OK);

        // The exporter answers scrapes from a copy made at most a few hundred milliseconds ago.
        var scrape = await Eventually(() => GetAnonymously("/metrics"),
            reply => reply.Body.Contains("ovop_label_verifications_total{", StringComparison.Ordinal));

        scrape.Is(HttpStatusCode.OK);
        Assert.Equal("text/plain", scrape.MediaType);
        Assert.Contains("# TYPE ovop_label_verifications_total counter", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("verdict=\"valid\"", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("ovop_commands_total{", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("command=\"IssueLabels\"", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("ovop_cache_lookups_total{", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds", scrape.Body, StringComparison.Ordinal);
        Assert.Contains("service_instance_id", scrape.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(code, scrape.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(fileId.ToString(), scrape.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("\"/metrics\"", (await GetAnonymously("/openapi/v1.json")).Body, StringComparison.Ordinal);
        await WriteArtifact("metrics.txt", scrape.Body);
    }

    [Fact]
    public async Task The_metrics_endpoint_answers_only_on_the_port_configured_for_it()
    {
        await using var other = await StartOtherAsync(_ => { }, ("Ovop:Telemetry:Metrics:Port", "9464"));
        using var client = other.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Authorization = new("Bearer", TokenOf(Administrator));

        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private Task<IAlbaHost> StartOtherAsync(Action<IServiceCollection> configure, params (string Key, string Value)[] settings) =>
        AlbaHost.For<Program>(builder =>
        {
            builder.UseEnvironment("Development");
            builder.UseSetting("Ovop:Auth:DevelopmentIssuer", "true");
            builder.UseSetting("Ovop:Auth:DevelopmentKeyFile", AppFixture.KeyFile);
            builder.UseSetting("Ovop:Signing:KeyFolder", Path.Combine(Path.GetDirectoryName(AppFixture.KeyFile)!, "signing"));
            builder.UseSetting("Ovop:PublicBaseUrl", AppFixture.PublicBaseUrl);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureServices(services =>
            {
                services.AddSingleton<TimeProvider>(App.Clock);
                services.ConfigureWolverine(opts =>
                {
                    opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromDays(1);
                    opts.Durability.ScheduledJobPollingTime = TimeSpan.FromDays(1);
                });
                configure(services);
            });
        });

    /// <summary>What an operator would see, kept in artifacts/ for reading.</summary>
    private static async Task WriteArtifact(string name, string text)
    {
        var artifacts = Path.Combine(Checks.Root, "artifacts");
        Directory.CreateDirectory(artifacts);
        await System.IO.File.WriteAllTextAsync(Path.Combine(artifacts, name), text, TestContext.Current.CancellationToken);
    }

    private static async Task<T> Eventually<T>(Func<T> read, Func<T, bool> done) => await Eventually(() => Task.FromResult(read()), done);

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var watch = Stopwatch.StartNew();
        var value = await read();
        while (!done(value) && watch.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
            value = await read();
        }

        return value;
    }

    /// <summary>Spans as the in-memory exporter hands them over, read while it still writes.</summary>
    private sealed class SpanList : Collection<Activity>
    {
        private readonly Lock _gate = new();

        protected override void InsertItem(int index, Activity item)
        {
            lock (_gate)
            {
                base.InsertItem(index, item);
            }
        }

        public Activity[] Snapshot()
        {
            lock (_gate)
            {
                return [.. Items];
            }
        }
    }

    /// <summary>The service's own measurements in one host (the meter its factory made), as they are recorded.</summary>
    private sealed class OwnMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, KeyValuePair<string, object?>[] Tags, long Value)> _recorded = new();

        public OwnMeasurements(IMeterFactory host)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == OvopMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, host))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _recorded.Enqueue((instrument.Name, tags.ToArray(), value)));
            _listener.Start();
        }

        public long Count(string instrument, params (string Key, string Value)[] tags) =>
            _recorded.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(k => k.Key == t.Key && Equals(k.Value, t.Value)))).Sum(m => m.Value);

        public IEnumerable<string> TagValues() => _recorded.SelectMany(m => m.Tags).Select(t => t.Value?.ToString() ?? "");

        public void Dispose() => _listener.Dispose();
    }
}
