using OvopQuality.Demo;

// Loads the demo producers and their certification histories into a running OvopQuality service,
// through its public HTTP commands only, so every demo stream is a real event stream.
//   OVOP_DEMO_ADMIN_TOKEN=... OVOP_DEMO_INSPECTOR_TOKEN=... OVOP_DEMO_OFFICER_TOKEN=... //   dotnet OvopQuality.Demo.dll [--url http://127.0.0.1:5080]
// run.sh mints the three tokens (administrator, inspector-nazarov, a certification officer).
var url = args.SkipWhile(a => a != "--url").Skip(1).FirstOrDefault() ?? "http://127.0.0.1:5080";
var tokens = new Dictionary<DemoUser, string>();
foreach (var (user, variable) in new[] { (DemoUser.Administrator, "OVOP_DEMO_ADMIN_TOKEN"), (DemoUser.Inspector, "OVOP_DEMO_INSPECTOR_TOKEN"), (DemoUser.Officer, "OVOP_DEMO_OFFICER_TOKEN") })
{
    if (Environment.GetEnvironmentVariable(variable) is not { Length: > 0 } token)
    {
        Console.Error.WriteLine($"demo: {variable} is not set: the demo signs in as an administrator, {DemoLoader.Inspector} and a certification officer");
        return 2;
    }

    tokens[user] = token;
}

using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
try
{
    var loaded = await new DemoLoader(new Api(http, tokens), Console.Out).LoadAsync(DemoCatalogue.Producers);
    Console.WriteLine($"demo: {loaded} producer(s) added; the others were already there.");
    return 0;
}
catch (DemoException e)
{
    Console.Error.WriteLine("demo: " + e.Message);
    return 1;
}
catch (HttpRequestException e)
{
    Console.Error.WriteLine($"demo: cannot reach the service at {url}: {e.Message}");
    return 1;
}
