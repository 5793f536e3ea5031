using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Assemble.Api.IntegrationTests.Infrastructure;

/// <summary>
/// A real SMTP server on 127.0.0.1 (random port) for the tests: it speaks enough of RFC 5321 for System.Net.Mail
/// (EHLO, MAIL, RCPT, DATA, RSET, QUIT), stores each message's raw text, and can answer with a chosen failure.
/// </summary>
public sealed class SmtpCatcher : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public ConcurrentQueue<string> Messages { get; } = new();

    /// <summary>Reply codes to give to DATA's end instead of 250, consumed in order (e.g. 451, 550).</summary>
    public ConcurrentQueue<int> Failures { get; } = new();

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
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 catcher.test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-catcher.test");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO" or "MAIL" or "RCPT" or "RSET" or "NOOP":
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        if (Failures.TryDequeue(out var failure))
                            await writer.WriteLineAsync($"{failure} {(failure >= 500 ? "Mailbox unavailable" : "Try again later")}");
                        else
                        {
                            Messages.Enqueue(data.ToString());
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
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_loop is not null) await _loop;
    }
}
