namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// The API sending over SMTP to a catcher of its own on 127.0.0.1. Subclasses set the catcher up in their
/// constructor (a password, TLS, a hang) and add the settings that go with it.
/// </summary>
public abstract class CatcherFactory : ApiFactory
{
    public SmtpCatcher Smtp { get; } = SmtpCatcher.Start();

    /// <summary>Settings besides host and port: plain SMTP and a 3-second time-out unless a subclass says otherwise.</summary>
    protected virtual IDictionary<string, string?> SmtpSettings => new Dictionary<string, string?>
    {
        ["Smtp:EnableSsl"] = "false",
        ["Smtp:TimeoutMilliseconds"] = "3000",
    };

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(SmtpSettings)
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Smtp.Port.ToString(),
        ["Email:FromAddress"] = "no-reply@assemble.test",
    };
}
