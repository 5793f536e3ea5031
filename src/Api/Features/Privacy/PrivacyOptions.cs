namespace Assemble.Api.Features.Privacy;

public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    /// <summary>Registration and waitlist answers are deleted this many days after their event ended (at least 1).</summary>
    public int AnswerRetentionDays { get; set; } = 365;
}
