using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace OvopQuality.Bench;

/// <summary>One producer the registry bench registered: its product's category decides the files it gets.</summary>
public sealed record BenchProducer(Guid Id, string Number, Guid Product, string Category);

/// <summary>
/// The public registry at the programme's scale: producers registered over HTTP with the names,
/// places and products of the programme, a few certification files per product category taken
/// through their whole lifecycle over HTTP (granted, surveillance passed, suspended, reinstated,
/// withdrawn, surrendered), then those histories copied in SQL onto the producers until the store
/// holds the certificates asked for, each copy a file of its own of a producer of that category,
/// with a certificate number of its own; every projection is then rebuilt from the events by the
/// service's own command, so the directory and the open data are what the events say.
/// </summary>
public static class Registry
{
    /// <summary>The programme's product categories with a product's name in Tajik, Russian and English, and its HS code.</summary>
    private static readonly (string Category, string Tg, string Ru, string En, string Hs)[] Products =
    [
        ("driedFruit", "Зардолуи хушк", "Курага", "Dried apricots", "081310"),
        ("honey", "Асали кӯҳӣ", "Горный мёд", "Mountain honey", "040900"),
        ("textile", "Ҷӯробҳои пашмини Помир", "Носки из памирской шерсти", "Pamir wool socks", "611595"),
        ("embroidery", "Сӯзанӣ", "Сюзане", "Suzani embroidery", "581099"),
        ("juice", "Шарбати анор", "Гранатовый сок", "Pomegranate juice", "200989"),
        ("freshFruit", "Лиму", "Лимоны", "Lemons", "080550"),
        ("confectionery", "Ҳалвои чормағзӣ", "Ореховая халва", "Walnut halva", "170490"),
        ("syrup", "Шиннии тут", "Тутовый сироп", "Mulberry syrup", "210690"),
        ("dairy", "Панири бузӣ", "Козий сыр", "Goat-milk cheese", "040690"),
        ("silk", "Атласи абрешимӣ", "Шёлковый атлас", "Atlas silk", "500720"),
        ("other", "Чойи кӯҳӣ", "Горный чай", "Mountain herbal tea", "121190"),
    ];

    /// <summary>Regions, districts (most of them the programme's cities) and villages, as producers write them.</summary>
    private static readonly (string Region, string District, string DistrictTg, string Village)[] Places =
    [
        ("sughd", "Isfara", "Исфара", "Chorkuh"), ("sughd", "Khujand", "Хуҷанд", "Unji"), ("sughd", "Panjakent", "Панҷакент", "Rudaki"),
        ("sughd", "Istaravshan", "Истаравшан", "Kalininobod"), ("khatlon", "Bokhtar", "Бохтар", "Navobod"), ("khatlon", "Kulob", "Кӯлоб", "Dahana"),
        ("khatlon", "Muminobod", "Мӯъминобод", "Balkh"), ("gbao", "Khorog", "Хоруғ", "Tem"), ("gbao", "Rushon", "Рушон", "Bardara"),
        ("districtsOfRepublicanSubordination", "Vahdat", "Ваҳдат", "Simiganj"), ("districtsOfRepublicanSubordination", "Hisor", "Ҳисор", "Shahrinav"),
        ("dushanbe", "Dushanbe", "Душанбе", "Sino"),
    ];

    private static readonly (string Tg, string Ru, string En)[] Forms =
    [
        ("Кооперативи", "Кооператив", "Cooperative"), ("Хоҷагии деҳқонии", "Дехканское хозяйство", "Farm"), ("ҶДММ", "ООО", "LLC"),
    ];

    /// <summary>Registers the producers, each with one product of a category in turn, eight at a time.</summary>
    public static async Task<IReadOnlyList<BenchProducer>> ProducersAsync(BenchApi api, int count)
    {
        var producers = new BenchProducer[count];
        var taxIds = Random.Shared.Next(100_000_000, 800_000_000);
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var product = Products[i % Products.Length];
            var place = Places[(i / Products.Length) % Places.Length];
            var form = Forms[i % Forms.Length];
            var serial = i.ToString("D5", CultureInfo.InvariantCulture);
            var created = await api.PostAsync("/api/producers", new
            {
                legalName = new
                {
                    tg = $"{form.Tg} «{place.DistrictTg} {product.Tg}» {serial}",
                    ru = $"{form.Ru} «{place.District} {product.Ru}» {serial}",
                    en = $"{place.District} {product.En} {form.En} {serial}",
                },
                taxId = (taxIds + i).ToString(CultureInfo.InvariantCulture),
                address = new { region = place.Region, district = i % 2 == 0 ? place.District : place.DistrictTg, village = place.Village },
                contact = new { person = "Producer " + serial, phone = "+992 90 000 " + serial[1..] },
            });
            var id = created["id"]!.GetValue<Guid>();
            var registered = await api.PostAsync($"/api/producers/{id}/products", new
            {
                expectedVersion = 1,
                name = new { tg = product.Tg, ru = product.Ru, en = product.En },
                category = product.Category,
                hsCode = product.Hs,
            });
            producers[i] = new BenchProducer(id, created["number"]!.GetValue<string>(), registered["id"]!.GetValue<Guid>(), product.Category);
        });
        return producers;
    }

    /// <summary>A standard for every category the seeded catalogue lacks, with the dried-fruit standard's requirements (the inspections answer them).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> StandardsAsync(BenchApi api)
    {
        var driedFruit = await api.GetAsync("/api/standards/OVOP-DF/versions/1");
        var codes = new Dictionary<string, string> { ["driedFruit"] = "OVOP-DF" };
        foreach (var product in Products.Where(p => p.Category != "driedFruit"))
        {
            var code = "OVOP-B-" + product.Category.ToUpperInvariant();
            var existing = await api.Http.GetAsync($"/api/standards/{code}");
            if (!existing.IsSuccessStatusCode)
            {
                await api.PostAsync($"/api/standards/{code}/versions", new
                {
                    title = new { tg = product.Tg, ru = product.Ru, en = product.En },
                    category = product.Category,
                    requirements = driedFruit["requirements"]!.DeepClone(),
                    stars = driedFruit["stars"]!.DeepClone(),
                });
            }

            codes[product.Category] = code;
        }

        return codes;
    }

    /// <summary>
    /// For each category, one file of a producer of it in each of six lifecycles, over HTTP:
    /// granted with a surveillance passed, granted, suspended, suspended and reinstated, withdrawn,
    /// surrendered. Stars vary with the findings' effect on the score.
    /// </summary>
    public static async Task<IReadOnlyList<(Guid File, int Lifecycle)>> TemplatesAsync(BenchApi api, IReadOnlyList<BenchProducer> producers, IReadOnlyDictionary<string, string> standards)
    {
        var templates = new List<(Guid File, int Lifecycle)>();
        foreach (var category in Products.Select(p => p.Category))
        {
            // One product has one open file under a standard: each lifecycle on a producer of its own.
            var ofCategory = producers.Where(p => p.Category == category).Take(6).ToList();
            for (var lifecycle = 0; lifecycle < ofCategory.Count; lifecycle++)
            {
                var producer = ofCategory[lifecycle];
                var today = DateOnly.FromDateTime(DateTime.UtcNow);
                var file = (await api.PostAsync("/api/certifications", new
                {
                    producerId = producer.Id,
                    productId = producer.Product,
                    standardCode = standards[category],
                    declaredVolume = new { annualUnits = 5000, unit = "pack" },
                    nationalEvidence = new
                    {
                        certificateNumber = "TJ-ST-" + lifecycle, issuedBy = "Tajikstandard", validUntil = today.AddYears(2),
                        sanitaryConclusionNumber = "SES-" + lifecycle, sanitaryConclusionValidUntil = today.AddYears(2),
                    },
                }))["id"]!.GetValue<Guid>();
                var inspection = await api.ScheduleAsync(file, 1);
                var results = BenchApi.AllPassed.Select((r, k) => k < lifecycle % 3 ? (object)new { requirementCode = $"DF-C{k + 1}", outcome = "failed", note = "Not met at the visit." } : r).ToArray();
                await api.PostAsync($"/api/certifications/{file}/inspections/{inspection}/results", new
                {
                    expectedVersion = 2, tookPlaceOn = today, results,
                }, api.Tokens.Inspector);
                var version = (await api.PostAsync($"/api/certifications/{file}/decisions/standard-met", new { expectedVersion = 3, scope = "Whole production" }, api.Tokens.Officer))["version"]!.GetValue<long>();
                switch (lifecycle)
                {
                    case 2:
                        await api.PostAsync($"/api/certifications/{file}/suspension", new { expectedVersion = version, reasonClass = "surveillanceFailed", reason = "Moisture above the limit" }, api.Tokens.Officer);
                        break;
                    case 3:
                        version = (await api.PostAsync($"/api/certifications/{file}/suspension", new { expectedVersion = version, reasonClass = "surveillanceFailed", reason = "Moisture above the limit" }, api.Tokens.Officer))["version"]!.GetValue<long>();
                        await api.PostAsync($"/api/certifications/{file}/reinstatement", new { expectedVersion = version, reason = "Retest within limits" }, api.Tokens.Officer);
                        break;
                    case 4:
                        await api.PostAsync($"/api/certifications/{file}/withdrawal", new { expectedVersion = version, reasonClass = "misuseOfLabels", reason = "Labels on uncertified produce" }, api.Tokens.Officer);
                        break;
                    case 5:
                        await api.PostAsync($"/api/certifications/{file}/surrender", new { expectedVersion = version, reason = "The producer stops this product" });
                        break;
                }

                templates.Add((file, lifecycle));
            }
        }

        return templates;
    }

    /// <summary>
    /// Copies the template files onto the producers until the store holds <paramref name="certificates"/>
    /// granted files: copy n goes to producer n mod P, from a template of that producer's category
    /// in turn; its events are the template's, with the file's id, the producer, the product and the
    /// certificate number rewritten. Returns the events written.
    /// </summary>
    public static async Task<long> CopyCertificatesAsync(string psql, int certificates)
    {
        var sql = $$"""
            do $$
            declare
              event_columns text; event_values text; stream_columns text; wanted bigint;
            begin
              select string_agg(quote_ident(column_name), ', ' order by ordinal_position),
                     string_agg(case column_name when 'data' then 'pg_temp.ovop_bench_rewrite(e.type, e.data, c.n, c.new_id, c.producer_id, c.number, c.name, c.address, c.product)' else 'e.' || quote_ident(column_name) end, ', ' order by ordinal_position)
                into event_columns, event_values
                from information_schema.columns where table_schema = 'ovop' and table_name = 'mt_events' and column_name not in ('seq_id', 'id', 'stream_id');
              select string_agg(quote_ident(column_name), ', ' order by ordinal_position) into stream_columns
                from information_schema.columns where table_schema = 'ovop' and table_name = 'mt_streams' and column_name <> 'id';
              select {{certificates}} - count(*) into wanted from ovop.mt_events where type = 'standard_met';
              create temp table bench_producers as
                select row_number() over (order by id) - 1 as k, id, data->>'number' as number, data->'legalName' as name, data->'address' as address, data->'products'->0 as product
                from ovop.mt_doc_producer where jsonb_array_length(data->'products') > 0;
              create temp table bench_templates as
                select row_number() over (partition by e.data->>'productCategory' order by e.stream_id) - 1 as t, e.stream_id as id, e.data->>'productCategory' as category
                from ovop.mt_events e where e.type = 'application_submitted'
                  and exists (select 1 from ovop.mt_events s where s.stream_id = e.stream_id and s.type = 'standard_met')
                  and not exists (select 1 from ovop.mt_events l where l.stream_id = e.stream_id and l.type = 'labels_issued');
              create temp table bench_copies as
                select g as n, md5('ovop-bench-file-' || g)::uuid as new_id, p.id as producer_id, p.number, p.name, p.address, p.product, t.id as template
                from generate_series(1, greatest(wanted, 0)) g
                join bench_producers p on p.k = g % (select count(*) from bench_producers)
                join (select category, count(*) as n from bench_templates group by category) c on c.category = p.product->>'category'
                join bench_templates t on t.category = c.category and t.t = (g / (select count(*) from bench_producers)) % c.n;
              execute format('insert into ovop.mt_streams (id, %s) select c.new_id, %s from ovop.mt_streams s join bench_copies c on s.id = c.template',
                stream_columns, (select string_agg('s.' || quote_ident(column_name), ', ' order by ordinal_position) from information_schema.columns where table_schema = 'ovop' and table_name = 'mt_streams' and column_name <> 'id'));
              execute format('insert into ovop.mt_events (seq_id, id, stream_id, %s) select nextval(''ovop.mt_events_sequence''), gen_random_uuid(), c.new_id, %s from ovop.mt_events e join bench_copies c on e.stream_id = c.template order by c.n, e.version',
                event_columns, event_values);
            end $$;
            select count(*) from ovop.mt_events;
            """;
        const string rewrite = """
            create or replace function pg_temp.ovop_bench_rewrite(type text, data jsonb, n bigint, file uuid, producer uuid, number text, name jsonb, address jsonb, product jsonb) returns jsonb
            language sql immutable as $f$
              select case type
                when 'application_submitted' then data || jsonb_build_object('fileId', file, 'producerId', producer, 'producerNumber', number,
                  'producerName', name, 'producerAddress', address, 'productId', product->'id', 'productName', product->'name')
                when 'standard_met' then data || jsonb_build_object('fileId', file, 'certificateNumber', 'TJ-OVOP-B-' || lpad(n::text, 7, '0'))
                else case when data ? 'fileId' then jsonb_set(data, '{fileId}', to_jsonb(file)) else data end
              end
            $f$;
            """;
        var output = await Processes.RunAsync(psql, ["-X", "-q", "-t", "-A", "-d", "ovop", "-v", "ON_ERROR_STOP=1", "-c", rewrite + sql]);
        return long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);
    }

    /// <summary>Counts what the store holds: producers, granted certificates and events.</summary>
    public static async Task<(long Producers, long Certificates, long Events)> CountAsync(string psql)
    {
        var output = await Processes.RunAsync(psql, ["-X", "-q", "-t", "-A", "-F", ",", "-d", "ovop", "-c",
            "select (select count(*) from ovop.mt_doc_producer), (select count(*) from ovop.mt_events where type = 'standard_met'), (select count(*) from ovop.mt_events)"]);
        var parts = output.Trim().Split(',').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return (parts[0], parts[1], parts[2]);
    }

    public static async Task<TimeSpan> RebuildAsync(string dll)
    {
        var clock = Stopwatch.StartNew();
        await Processes.RunAsync("dotnet", [dll, "projections", "rebuild"]);
        return clock.Elapsed;
    }
}

/// <summary>The registry bench's figures, and the one line a script reads.</summary>
public sealed class RegistryReport
{
    public (long Producers, long Certificates, long Events) Store { get; set; }

    public TimeSpan Rebuild { get; set; }

    /// <summary>Directory searches by connections: the load and its 95th percentile.</summary>
    public Dictionary<int, (LoadResult Result, double P95Ms)> Searches { get; } = [];

    /// <summary>The full open data export: time from the change to the new signed manifest, files' bytes and compressed bytes.</summary>
    public (TimeSpan Elapsed, long Bytes, long Compressed)? Export { get; set; }

    /// <summary>The as-of export of the largest dataset, streamed: time and bytes.</summary>
    public (TimeSpan Elapsed, long Bytes)? AsOfExport { get; set; }

    public string ToLine(IReadOnlyDictionary<(string Workload, int Clients), double> baseline)
    {
        var inv = CultureInfo.InvariantCulture;
        string Search(int connections, Func<(LoadResult Result, double P95Ms), double> figure, string format) =>
            Searches.TryGetValue(connections, out var s) ? figure(s).ToString(format, inv) : "na";
        string Ratio(int connections) =>
            Searches.TryGetValue(connections, out var s) && baseline.TryGetValue(("verify", connections), out var tps) && tps > 0
                ? (s.Result.PerSecond / tps).ToString("F2", inv) : "na";
        return string.Create(inv, $"registry: producers={Store.Producers} certificates={Store.Certificates} events={Store.Events} rebuild_s={Rebuild.TotalSeconds:F0} ") +
            $"search_p95_ms_c4={Search(4, s => s.P95Ms, "F1")} search_p95_ms_c32={Search(32, s => s.P95Ms, "F1")} " +
            $"search_per_s_c32={Search(32, s => s.Result.PerSecond, "F0")} search_ratio_c4={Ratio(4)} search_ratio_c32={Ratio(32)} " +
            $"export_s={(Export is { } e ? e.Elapsed.TotalSeconds.ToString("F1", inv) : "na")} export_mb={(Export is { } b ? (b.Bytes / 1e6).ToString("F1", inv) : "na")} " +
            $"export_gz_mb={(Export is { } g ? (g.Compressed / 1e6).ToString("F1", inv) : "na")} " +
            $"asof_export_s={(AsOfExport is { } a ? a.Elapsed.TotalSeconds.ToString("F1", inv) : "na")}";
    }
}
