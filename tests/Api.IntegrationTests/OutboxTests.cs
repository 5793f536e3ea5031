using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Assemble.Api.Common;
using Assemble.Api.Features.Email;
using Assemble.Api.IntegrationTests.Infrastructure;
using Assemble.Domain.Common;
using Assemble.Infrastructure.Email;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Assemble.Api.IntegrationTests;

/// <summary>The API sending through a real SMTP server on 127.0.0.1.</summary>
public sealed class SmtpFactory : CatcherFactory
{

    public Task<OutboxDispatcher.Report> DispatchAsync(DateTimeOffset? at = null, int batchSize = 50)
        => OutboxDispatcher.RunOnceAsync(Services.GetRequiredService<IServiceScopeFactory>(), at ?? DateTimeOffset.UtcNow, batchSize, CancellationToken.None);
}

public sealed class OutboxTests(SmtpFactory api) : IClassFixture<SmtpFactory>
{
    private async Task<Guid> EnqueueAsync(string to, string subject)
    {
        await using var scope = api.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage(to, subject, "本文 / body"));
        return await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == to).OrderByDescending(m => m.Id).Select(m => m.Id).FirstAsync());
    }

    private Task<OutboxEmailStatus> StatusAsync(Guid id) => api.DbAsync(db => db.OutboxEmails.Where(m => m.Id == id).Select(m => m.Status).SingleAsync());

    [Fact]
    public async Task A_confirmation_mail_goes_out_by_smtp_with_japanese_text_and_a_message_id_from_its_row()
    {
        var email = api.NewEmail();
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        var row = await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == email).Select(m => m.Id).SingleAsync());
        var report = await api.DispatchAsync();
        Assert.True(report.Sent >= 1);
        var raw = api.Smtp.Messages.Single(m => m.Contains(email));
        var mail = Mailbox.Parse(raw);
        Assert.Contains("メールアドレスの確認", mail.Subject);
        Assert.Equal($"{row:N}@assemble.test", mail.Message.MessageId);
        // The server offers 8BITMIME: the text part is plain UTF-8, readable in any editor, never base64.
        Assert.Contains("Content-Transfer-Encoding: 8bit", raw);
        Assert.DoesNotContain("Content-Transfer-Encoding: base64", raw);
        Assert.Contains("メールアドレスを確認してください", raw);
        // Links point at the public address, not at whatever Host the sign-up request named.
        Assert.StartsWith($"{ApiFactory.PublicBaseUrl}/api/auth/confirmEmail?", Mailbox.Link(mail, "/api/auth/confirmEmail"));
        Assert.Equal(OutboxEmailStatus.Sent, await StatusAsync(row));
        // Sending again finds nothing to send.
        var before = api.Smtp.Messages.Count;
        await api.DispatchAsync();
        Assert.Equal(before, api.Smtp.Messages.Count);
    }

    [Fact]
    public async Task A_451_is_retried_later_and_a_550_goes_to_the_dead_letters_an_admin_can_retry()
    {
        var temporary = await EnqueueAsync("temp-" + Guid.NewGuid().ToString("N")[..8] + "@example.jp", "一時エラー");
        api.Smtp.Failures.Enqueue(451);
        var now = DateTimeOffset.UtcNow;
        var first = await api.DispatchAsync(now);
        Assert.True(first.Retrying >= 1);
        Assert.Equal(OutboxEmailStatus.Pending, await StatusAsync(temporary));
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.Where(m => m.Id == temporary).Select(m => m.Attempts).SingleAsync()));
        await api.DispatchAsync(now.AddSeconds(5)); // not due yet: backoff
        Assert.Equal(OutboxEmailStatus.Pending, await StatusAsync(temporary));
        await api.DispatchAsync(now.AddMinutes(2));
        Assert.Equal(OutboxEmailStatus.Sent, await StatusAsync(temporary));

        var permanent = await EnqueueAsync("dead-" + Guid.NewGuid().ToString("N")[..8] + "@example.jp", "恒久エラー");
        api.Smtp.Failures.Enqueue(550);
        await api.DispatchAsync();
        Assert.Equal(OutboxEmailStatus.Dead, await StatusAsync(permanent));

        var admin = await api.AdminAsync();
        // Read raw first: the mail's body must appear nowhere in the admin's answer, under any name.
        var dead = await Expect.JsonAsync(await admin.Client.GetAsync("/api/admin/outbox?status=dead"));
        Assert.DoesNotContain("本文", dead.ToString());
        Assert.Contains(dead.Deserialize<Page<OutboxAdmin.OutboxEmailView>>(ApiJson.Options)!.Items, i => i.Id == permanent && i.Status == OutboxEmailStatus.Dead);
        var member = await api.SignUpAsync();
        await Expect.ProblemAsync(await member.Client.GetAsync("/api/admin/outbox?status=dead"), 403, "auth.forbidden");
        await Expect.StatusAsync(await admin.Client.PostAsync($"/api/admin/outbox/{permanent}/retry", null), 200);
        await Expect.ProblemAsync(await admin.Client.PostAsync($"/api/admin/outbox/{temporary}/retry", null), 409, "outbox.not_dead");
        await api.DispatchAsync();
        Assert.Equal(OutboxEmailStatus.Sent, await StatusAsync(permanent));
    }

    [Fact]
    public async Task A_message_that_cannot_be_built_goes_dead_alone_and_the_twenty_behind_it_are_sent()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var broken = await EnqueueAsync($"broken-{tag}@@example.jp", "壊れた宛先");
        // The broken row is first in the queue, as it was when it stopped every mail behind it.
        await api.ScalarAsync($"UPDATE outbox_emails SET next_attempt_at = now() - interval '1 hour' WHERE id = '{broken}'");
        var good = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            good.Add($"good{i}-{tag}@example.jp");
            await EnqueueAsync(good[^1], $"お知らせ {i}");
        }

        var report = await api.DispatchAsync(batchSize: 5);

        Assert.All(good, to => Assert.Single(api.Smtp.Messages, m => m.Contains(to)));
        Assert.True(report.Sent >= 20);
        Assert.Equal(OutboxEmailStatus.Dead, await StatusAsync(broken));
        var admin = await api.AdminAsync();
        var dead = await admin.Client.GetAsync<Page<OutboxAdmin.OutboxEmailView>>("/api/admin/outbox?status=dead&limit=100");
        var item = dead.Items.Single(i => i.Id == broken);
        Assert.Contains("could not be built", item.LastError);
    }

    [Fact]
    public async Task A_message_whose_answer_was_lost_is_sent_again_with_the_same_message_id_and_the_rest_go_on()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await api.DispatchAsync();
        var lost = await EnqueueAsync($"lost-{tag}@example.jp", "返事が消えた");
        var next = await EnqueueAsync($"next-{tag}@example.jp", "後続");
        api.Smtp.LoseAnswers = 1;
        var now = DateTimeOffset.UtcNow;

        var first = await api.DispatchAsync(now);

        // The server kept the first message but its 250 never came: the row waits; the next one goes on a new connection.
        Assert.Equal(1, first.Retrying);
        Assert.Equal(OutboxEmailStatus.Pending, await StatusAsync(lost));
        Assert.Equal(OutboxEmailStatus.Sent, await StatusAsync(next));
        await api.DispatchAsync(now.AddMinutes(1));
        Assert.Equal(OutboxEmailStatus.Sent, await StatusAsync(lost));
        // Delivered twice, as SMTP allows after a lost answer, under one Message-ID a receiver can drop duplicates by.
        var copies = api.Smtp.Messages.Where(m => m.Contains($"lost-{tag}")).Select(m => Mailbox.Parse(m).Message.MessageId).ToList();
        Assert.Equal(2, copies.Count);
        Assert.Equal($"{lost:N}@assemble.test", Assert.Single(copies.Distinct()));
    }

    [Fact]
    public async Task A_relay_that_refuses_our_sender_kills_no_mail_and_it_all_goes_once_fixed()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await api.DispatchAsync();
        var rows = new List<Guid>();
        for (var i = 0; i < 3; i++) rows.Add(await EnqueueAsync($"sender{i}-{tag}@example.jp", "送信者拒否"));
        var ids = string.Join(",", rows.Select(r => $"'{r}'"));
        api.Smtp.RefuseSender = true;
        var now = DateTimeOffset.UtcNow;
        try
        {
            var refused = await api.DispatchAsync(now);
            Assert.Equal(0, refused.Dead);
        }
        finally
        {
            api.Smtp.RefuseSender = false;
        }
        Assert.Equal(3, await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE id IN ({ids}) AND status = 'Pending' AND attempts = 0 AND last_error LIKE '%refuses this sender%'"));
        await api.DispatchAsync(now.AddMinutes(2));
        Assert.Equal(3, await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE id IN ({ids}) AND status = 'Sent'"));
    }

    [Fact]
    public async Task A_batch_travels_over_one_smtp_connection()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await api.DispatchAsync();
        for (var i = 0; i < 5; i++) await EnqueueAsync($"batch{i}-{tag}@example.jp", "まとめて");
        var before = api.Smtp.Connections;
        var report = await api.DispatchAsync();
        Assert.Equal(5, report.Sent);
        Assert.Equal(before + 1, api.Smtp.Connections);
    }

    [Fact]
    public async Task Without_8bitmime_the_text_goes_quoted_printable_never_base64()
    {
        var to = "qp-" + Guid.NewGuid().ToString("N")[..8] + "@example.jp";
        await EnqueueAsync(to, "七ビット");
        api.Smtp.EightBitMime = false;
        try
        {
            await api.DispatchAsync();
        }
        finally
        {
            api.Smtp.EightBitMime = true;
        }
        var raw = api.Smtp.Messages.Single(m => m.Contains(to));
        Assert.Contains("Content-Transfer-Encoding: quoted-printable", raw);
        Assert.DoesNotContain("Content-Transfer-Encoding: base64", raw);
        Assert.DoesNotContain("Content-Transfer-Encoding: 8bit", raw);
        Assert.Equal("本文 / body", Mailbox.Parse(raw).Text.Trim());
    }

    [Fact]
    public async Task A_rolled_back_change_sends_no_mail()
    {
        var to = "rollback-" + Guid.NewGuid().ToString("N")[..8] + "@example.jp";
        await using (var scope = api.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AppDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await scope.ServiceProvider.GetRequiredService<IEmailSender>().SendAsync(new EmailMessage(to, "取り消されるメール", "x"));
            await transaction.RollbackAsync();
        }
        await api.DispatchAsync();
        Assert.Equal(0, await api.CountAsync($"SELECT count(*) FROM outbox_emails WHERE \"to\" = '{to}'"));
        Assert.DoesNotContain(api.Smtp.Messages, m => m.Contains(to));
    }
}

/// <summary>An SMTP server that is down for a while: nothing is lost, everything goes once it is back.</summary>
public sealed class SmtpDownFactory : ApiFactory
{
    public int Port { get; } = FreePort();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Smtp:Host"] = "127.0.0.1",
        ["Smtp:Port"] = Port.ToString(),
        ["Smtp:EnableSsl"] = "false",
        ["Smtp:TimeoutMilliseconds"] = "2000",
    };

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}

public sealed class SmtpDownTests(SmtpDownFactory api) : IClassFixture<SmtpDownFactory>
{
    [Fact]
    public async Task Mail_queued_while_the_server_is_down_is_all_sent_once_it_returns()
    {
        for (var i = 0; i < 3; i++)
            await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = api.NewEmail("down"), password = ApiFactory.Password }), 200);
        var scopes = api.Services.GetRequiredService<IServiceScopeFactory>();
        var now = DateTimeOffset.UtcNow;
        var down = await OutboxDispatcher.RunOnceAsync(scopes, now, 50, CancellationToken.None);
        Assert.Equal(0, down.Sent);
        Assert.Equal(3, down.Retrying);

        // The server comes back on the same port.
        await using var smtp = SmtpCatcher.StartOn(api.Port);
        var back = await OutboxDispatcher.RunOnceAsync(scopes, now.AddMinutes(5), 50, CancellationToken.None);
        Assert.Equal(3, back.Sent);
        Assert.Equal(3, smtp.Messages.Count);
        Assert.Equal(0, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.Status != OutboxEmailStatus.Sent)));
    }
}

/// <summary>An SMTP server that wants a password (AUTH PLAIN).</summary>
public sealed class SmtpAuthFactory : CatcherFactory
{
    public SmtpAuthFactory() => Smtp.RequiredLogin = "assemble:kagi-no-kakaru-heya";

    protected override IDictionary<string, string?> SmtpSettings => new Dictionary<string, string?>
    {
        ["Smtp:Security"] = "None",
        ["Smtp:Username"] = "assemble",
        ["Smtp:Password"] = "kagi-no-kakaru-heya",
        ["Smtp:TimeoutMilliseconds"] = "3000",
    };
}

public sealed class SmtpAuthTests(SmtpAuthFactory api) : IClassFixture<SmtpAuthFactory>
{
    [Fact]
    public async Task Mail_goes_to_a_server_that_wants_a_password_and_the_password_never_reaches_the_logs()
    {
        var (email, report) = await SmtpScenario.SignUpAndDispatchAsync(api, "auth");
        Assert.Equal(1, report.Sent);
        Assert.Single(api.Smtp.Messages, m => m.Contains(email));
        // Neither as it is nor as AUTH PLAIN carries it (base64).
        var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes("\0assemble\0kagi-no-kakaru-heya"));
        Assert.DoesNotContain(api.Logs.Lines, m => m.Contains("kagi-no-kakaru-heya") || m.Contains(plain));
    }
}

/// <summary>An SMTP server that accepts the connection and never answers.</summary>
public sealed class SmtpHangFactory : CatcherFactory
{
    public SmtpHangFactory() => Smtp.Hang = true;

    protected override IDictionary<string, string?> SmtpSettings => new Dictionary<string, string?>
    {
        ["Smtp:EnableSsl"] = "false",
        ["Smtp:TimeoutMilliseconds"] = "1000",
    };
}

public sealed class SmtpHangTests(SmtpHangFactory api) : IClassFixture<SmtpHangFactory>
{
    [Fact]
    public async Task A_server_that_hangs_costs_one_time_out_per_run_and_the_mail_waits_for_a_retry()
    {
        for (var i = 0; i < 3; i++)
            await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email = api.NewEmail("hang"), password = ApiFactory.Password }), 200);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        // Batches of one: the run stops after the first batch finds the server unavailable, not after three time-outs.
        var report = await OutboxDispatcher.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, 1, CancellationToken.None);
        clock.Stop();
        Assert.Equal(0, report.Sent);
        Assert.Equal(1, report.Retrying);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        Assert.Equal(1, api.Smtp.Connections);
        // Not the messages' fault: the one tried waits without using up an attempt; the others were not touched.
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(1, await api.DbAsync(db => db.OutboxEmails.CountAsync(m => m.Status == OutboxEmailStatus.Pending && m.Attempts == 0 && m.NextAttemptAt > now)));
    }
}

/// <summary>An SMTP relay with a self-signed certificate, offering STARTTLS.</summary>
public class SmtpTlsFactory : CatcherFactory
{
    public SmtpTlsFactory()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=relay.assemble.test", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        Smtp.Certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx), null);
    }

    protected virtual bool PinCertificate => true;

    protected virtual string Security => "Auto";

    protected override IDictionary<string, string?> SmtpSettings => new Dictionary<string, string?>
    {
        ["Smtp:EnableSsl"] = "true",
        ["Smtp:Security"] = Security,
        ["Smtp:CertificateSha256"] = PinCertificate ? Smtp.Certificate!.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) : null,
        ["Smtp:TimeoutMilliseconds"] = "3000",
    };
}

/// <summary>The same relay speaking TLS from the first byte (as on port 465).</summary>
public sealed class SmtpImplicitTlsFactory : SmtpTlsFactory
{
    public SmtpImplicitTlsFactory() => Smtp.ImplicitTls = true;

    protected override string Security => "SslOnConnect";
}

public sealed class SmtpImplicitTlsTests(SmtpImplicitTlsFactory api) : IClassFixture<SmtpImplicitTlsFactory>
{
    [Fact]
    public async Task Mail_goes_over_tls_on_connect_to_a_relay_whose_certificate_is_pinned()
    {
        var (email, report) = await SmtpScenario.SignUpAndDispatchAsync(api, "implicit");
        Assert.Equal(1, report.Sent);
        Assert.Single(api.Smtp.Messages, m => m.Contains(email));
        Assert.True(api.Smtp.LastOverTls);
    }
}

/// <summary>The same relay, its certificate not pinned: nothing may be sent to it.</summary>
public sealed class SmtpUntrustedTlsFactory : SmtpTlsFactory
{
    protected override bool PinCertificate => false;
}

public sealed class SmtpTlsTests(SmtpTlsFactory api) : IClassFixture<SmtpTlsFactory>
{
    [Fact]
    public async Task Mail_goes_over_starttls_to_a_relay_whose_certificate_is_pinned()
    {
        var (email, report) = await SmtpScenario.SignUpAndDispatchAsync(api, "tls");
        Assert.Equal(1, report.Sent);
        Assert.Single(api.Smtp.Messages, m => m.Contains(email));
        Assert.True(api.Smtp.LastOverTls);
    }
}

public sealed class SmtpUntrustedTlsTests(SmtpUntrustedTlsFactory api) : IClassFixture<SmtpUntrustedTlsFactory>
{
    [Fact]
    public async Task An_untrusted_certificate_sends_nothing_and_the_mail_waits()
    {
        var (email, report) = await SmtpScenario.SignUpAndDispatchAsync(api, "untrusted");
        Assert.Equal(0, report.Sent);
        Assert.Equal(1, report.Retrying);
        Assert.Empty(api.Smtp.Messages);
        Assert.Contains("SMTP server not available", await api.DbAsync(db => db.OutboxEmails.Where(m => m.To == email).Select(m => m.LastError).SingleAsync()));
    }
}

/// <summary>The step every SMTP scenario starts with: a sign-up writes its confirmation, and one dispatcher run sends it.</summary>
internal static class SmtpScenario
{
    public static async Task<(string Email, OutboxDispatcher.Report Report)> SignUpAndDispatchAsync(ApiFactory api, string label)
    {
        var email = api.NewEmail(label);
        await Expect.StatusAsync(await api.CreateClient().PostAsJsonAsync("/api/auth/register", new { email, password = ApiFactory.Password }), 200);
        return (email, await OutboxDispatcher.RunOnceAsync(api.Services.GetRequiredService<IServiceScopeFactory>(), DateTimeOffset.UtcNow, 50, CancellationToken.None));
    }
}
