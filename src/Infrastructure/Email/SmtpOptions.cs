namespace Assemble.Infrastructure.Email;

/// <summary>How the connection to the SMTP server is secured.</summary>
public enum SmtpSecurity
{
    /// <summary>From <see cref="SmtpOptions.EnableSsl"/>: TLS on connect on port 465, STARTTLS (required) elsewhere; none when false.</summary>
    Auto,
    None,
    /// <summary>STARTTLS, required: a server that does not offer it is not sent to.</summary>
    StartTls,
    /// <summary>Implicit TLS from the first byte (port 465, RFC 8314).</summary>
    SslOnConnect,
}

/// <summary>SMTP transport. With no Host (the development default) messages go to the pickup folder as .eml files.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    /// <summary>TLS (STARTTLS on 587, TLS on connect on 465) when true; plain SMTP when false (a local relay).</summary>
    public bool EnableSsl { get; set; } = true;
    /// <summary>Overrides what <see cref="EnableSsl"/> chooses.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;
    /// <summary>With a user name the transport authenticates (AUTH PLAIN/LOGIN/SCRAM, whichever the server offers).</summary>
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>
    /// The SHA-256 fingerprint (hex) of a server certificate to accept although no trusted authority signed it (a
    /// relay inside the association's network with a self-signed certificate). Any other untrusted certificate is
    /// refused, and the mail waits.
    /// </summary>
    public string? CertificateSha256 { get; set; }
    /// <summary>Per SMTP operation (connect, each command): a server that hangs costs the batch this long, not forever.</summary>
    public int TimeoutMilliseconds { get; set; } = 15_000;

    public SmtpSecurity EffectiveSecurity => Security != SmtpSecurity.Auto ? Security
        : !EnableSsl ? SmtpSecurity.None
        : Port == 465 ? SmtpSecurity.SslOnConnect
        : SmtpSecurity.StartTls;
}
