using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP server on 127.0.0.1 (random port) for the tests: it speaks enough of RFC 5321 for MailKit (EHLO,
/// AUTH PLAIN, MAIL, RCPT, DATA, RSET, QUIT), stores each message's raw text, counts connections, and can answer
/// with a chosen failure, leave out 8BITMIME, require a password, or hang without a greeting.
/// </summary>
public sealed class SmtpCatcher : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _connections;

    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Reply codes to give to DATA's end instead of 250, consumed in order (e.g. 451, 550).</summary>
    public ConcurrentQueue<int> Failures { get; } = new();

    /// <summary>Whether EHLO offers 8BITMIME (8-bit text parts); without it the client must send 7-bit.</summary>
    public bool EightBitMime { get; set; } = true;

    /// <summary>"user:password" that AUTH PLAIN must give before MAIL is accepted; null accepts anyone.</summary>
    public string? RequiredLogin { get; set; }

    /// <summary>With a certificate, EHLO offers STARTTLS and the session continues over TLS.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; set; }

    /// <summary>With <see cref="Certificate"/>: TLS from the first byte (port 465 style) instead of STARTTLS.</summary>
    public bool ImplicitTls { get; set; }

    /// <summary>Whether the last message arrived over TLS.</summary>
    public bool LastOverTls { get; private set; }

    /// <summary>
    /// How many of the next messages to keep and then drop the connection without the 250: the server acted, and
    /// its answer was lost.
    /// </summary>
    public int LoseAnswers;

    /// <summary>Refuses our sender at MAIL FROM (a relay that does not accept the configured From address).</summary>
    public bool RefuseSender { get; set; }

    /// <summary>Accepts connections and never says a word (a server that hangs).</summary>
    public bool Hang { get; set; }

    public int Connections => Volatile.Read(ref _connections);

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private SmtpCatcher(int port) => _listener = new TcpListener(IPAddress.Loopback, port);

    public static SmtpCatcher Start() => StartOn(0);

    public static SmtpCatcher StartOn(int port)
    {
        var catcher = new SmtpCatcher(port);
        catcher._listener.Start();
        catcher._loop = Task.Run(catcher.AcceptAsync);
        return catcher;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            if (Hang)
            {
                try { await Task.Delay(Timeout.Infinite, _stop.Token); } catch (OperationCanceledException) { }
                return;
            }
            Stream stream = client.GetStream();
            var tls = false;
            if (ImplicitTls && Certificate is not null)
            {
                var implicitTls = new System.Net.Security.SslStream(stream);
                try
                {
                    await implicitTls.AuthenticateAsServerAsync(Certificate);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
                {
                    return;
                }
                (stream, tls) = (implicitTls, true);
            }
            // Latin-1 keeps every byte of an 8-bit message as one char; Parse reads it back as UTF-8 bytes.
            var reader = new StreamReader(stream, Encoding.Latin1);
            var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 catcher.test ESMTP");
            var authenticated = RequiredLogin is null;
            try
            {
                while (await reader.ReadLineAsync() is { } line)
                {
                    var verb = line.Split(' ')[0].ToUpperInvariant();
                    switch (verb)
                    {
                        case "EHLO":
                            await writer.WriteLineAsync("250-catcher.test");
                            if (Certificate is not null && !tls) await writer.WriteLineAsync("250-STARTTLS");
                            if (RequiredLogin is not null) await writer.WriteLineAsync("250-AUTH PLAIN");
                            await writer.WriteLineAsync(EightBitMime ? "250 8BITMIME" : "250 SIZE 10485760");
                            break;
                        case "STARTTLS" when Certificate is not null && !tls:
                            await writer.WriteLineAsync("220 2.0.0 Ready to start TLS");
                            var ssl = new System.Net.Security.SslStream(stream);
                            await ssl.AuthenticateAsServerAsync(Certificate);
                            (stream, tls) = (ssl, true);
                            reader = new StreamReader(stream, Encoding.Latin1);
                            writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                            break;
                        case "AUTH":
                            var parts = line.Split(' ');
                            var login = parts.Length > 2 ? Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])).Split('\0') : [];
                            authenticated = login.Length == 3 && $"{login[1]}:{login[2]}" == RequiredLogin;
                            await writer.WriteLineAsync(authenticated ? "235 2.7.0 Authentication successful" : "535 5.7.8 Authentication credentials invalid");
                            break;
                        case "MAIL" when RefuseSender:
                            await writer.WriteLineAsync("550 5.7.1 Sender address rejected: not owned by user");
                            break;
                        case "MAIL" when !authenticated:
                            await writer.WriteLineAsync("530 5.7.0 Authentication required");
                            break;
                        case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                            await writer.WriteLineAsync("250 OK");
                            break;
                        case "DATA":
                            await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                            var data = new StringBuilder();
                            while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                                data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                            if (Interlocked.Decrement(ref LoseAnswers) >= 0)
                            {
                                Messages.Enqueue(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(data.ToString())));
                                return;
                            }
                            Interlocked.Exchange(ref LoseAnswers, 0);
                            if (Failures.TryDequeue(out var failure))
                                await writer.WriteLineAsync($"{failure} {(failure >= 500 ? "Mailbox unavailable" : "Try again later")}");
                            else
                            {
                                LastOverTls = tls;
                                Messages.Enqueue(Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(data.ToString())));
                                await writer.WriteLineAsync("250 Queued");
                            }
                            break;
                        case "QUIT":
                            await writer.WriteLineAsync("221 Bye");
                            return;
                        default:
                            await writer.WriteLineAsync("502 Command not implemented");
                            break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away, or refused our certificate.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_loop is not null) await _loop;
    }
}
