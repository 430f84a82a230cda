namespace OvopQuality.Api.Infrastructure;

/// <summary>
/// How quickly the instances notice that one of them is gone (Ovop:Cluster:*, in seconds), handed to
/// Wolverine's durability settings. Wolverine's defaults are kept where nothing is configured: a dead
/// node's agents (scheduled transitions, inbox recovery) move after roughly a minute. Lower values
/// notice a loss sooner but, on busy shared cores, may eject a node that is only slow.
/// </summary>
public sealed class ClusterSettings
{
    /// <summary>How often each node writes its heartbeat and the leader checks the others (Wolverine: HealthCheckPollingTime, 10 s).</summary>
    public double? HealthCheckSeconds { get; init; }

    /// <summary>How old a node's heartbeat may be before the others take its work over (StaleNodeTimeout, 60 s).</summary>
    public double? StaleNodeSeconds { get; init; }

    /// <summary>How often the leader checks that every agent runs somewhere (CheckAssignmentPeriod, 30 s).</summary>
    public double? CheckAssignmentSeconds { get; init; }

    /// <summary>How often each node looks for scheduled messages that fell due (ScheduledJobPollingTime, 5 s).</summary>
    public double? ScheduledJobSeconds { get; init; }

    public void ApplyTo(Wolverine.DurabilitySettings durability)
    {
        if (HealthCheckSeconds is { } health)
        {
            durability.HealthCheckPollingTime = TimeSpan.FromSeconds(health);
        }

        if (StaleNodeSeconds is { } stale)
        {
            durability.StaleNodeTimeout = TimeSpan.FromSeconds(stale);
        }

        if (CheckAssignmentSeconds is { } assignment)
        {
            durability.CheckAssignmentPeriod = TimeSpan.FromSeconds(assignment);
        }

        if (ScheduledJobSeconds is { } scheduled)
        {
            durability.ScheduledJobPollingTime = TimeSpan.FromSeconds(scheduled);
        }
    }
}
