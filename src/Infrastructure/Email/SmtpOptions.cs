namespace Assemble.Infrastructure.Email;

/// <summary>SMTP transport. With no Host (the development default) messages go to the pickup folder as .eml files.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>STARTTLS (required when true, e.g. on 587).</summary>
    public bool EnableSsl { get; set; } = true;
    public string? Username { get; set; }
    public string? Password { get; set; }
    public int TimeoutMilliseconds { get; set; } = 15_000;
}
