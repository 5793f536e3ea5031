namespace Assemble.Api.Hosting;

/// <summary>When <c>/health/ready</c> turns Degraded (still 200: the instance serves requests, but someone should look).</summary>
public sealed class HealthOptions
{
    public const string Section = "Health";

    /// <summary>The oldest pending mail may wait this long; longer means mail is stuck (SMTP down, no job sending it).</summary>
    public TimeSpan OldestMailMaxAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The mail, payments and seat-expiry jobs may go this long without a successful run. Keep it above their
    /// intervals (5 s, 30 s and 20 s unless configured otherwise).
    /// </summary>
    public TimeSpan JobMaxSilence { get; set; } = TimeSpan.FromMinutes(10);
}
