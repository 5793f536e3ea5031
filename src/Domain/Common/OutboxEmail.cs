namespace Assemble.Domain.Common;

public enum OutboxEmailStatus
{
    Pending,
    Sent,
    /// <summary>A permanent failure (5xx) or too many attempts: an admin looks and may retry.</summary>
    Dead,
}

/// <summary>
/// One e-mail, written as a row in the same transaction as the change that causes it; a dispatcher sends it later.
/// Its Message-ID derives from the row id, so a message sent twice after a crash carries the same Message-ID.
/// </summary>
public sealed class OutboxEmail
{
    public const int MaxAttempts = 8;

    private OutboxEmail() { }

    public OutboxEmail(string to, string subject, string textBody, string? htmlBody, bool essential, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(to)) throw new ArgumentException("An e-mail has a recipient.", nameof(to));
        Id = Guid.CreateVersion7(now);
        To = to;
        Subject = subject;
        TextBody = textBody;
        HtmlBody = htmlBody;
        Essential = essential;
        Status = OutboxEmailStatus.Pending;
        CreatedAt = now;
        NextAttemptAt = now;
    }

    public Guid Id { get; private set; }
    public string To { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public string TextBody { get; private set; } = "";
    public string? HtmlBody { get; private set; }
    /// <summary>Essential mail (account, payment, cancellation) is sent even to members who turned reminders off.</summary>
    public bool Essential { get; private set; }
    public OutboxEmailStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public DateTimeOffset? SentAt { get; private set; }
    public string? LastError { get; private set; }
    /// <summary>One text attachment at most (the iCalendar file of a confirmation).</summary>
    public string? AttachmentName { get; private set; }
    public string? AttachmentContentType { get; private set; }
    public string? AttachmentContent { get; private set; }

    /// <summary>
    /// The signed link that turns this kind of mail off, for mail a member may refuse (reminders, organizers'
    /// messages); sent as List-Unsubscribe with one-click POST. Essential mail has none.
    /// </summary>
    public string? UnsubscribeUrl { get; private set; }

    public OutboxEmail WithUnsubscribeLink(string url)
    {
        if (Essential) throw new InvalidOperationException("Essential mail cannot be unsubscribed from.");
        UnsubscribeUrl = url;
        return this;
    }

    public OutboxEmail WithAttachment(string name, string contentType, string content)
    {
        AttachmentName = name;
        AttachmentContentType = contentType;
        AttachmentContent = content;
        return this;
    }

    public string MessageId(string domain) => $"<{Id:N}@{domain}>";

    public void Sent(DateTimeOffset now)
    {
        Status = OutboxEmailStatus.Sent;
        SentAt = now;
        Attempts++;
        LastError = null;
    }

    /// <summary>How long mail waits when the server, not the message, is the problem.</summary>
    public static readonly TimeSpan ServerUnavailableWait = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The server could not be reached or refused us, not this message: it waits a minute without using up an
    /// attempt, so a long outage never kills mail that has nothing wrong with it.
    /// </summary>
    public void Postpone(string error, DateTimeOffset now)
    {
        LastError = error.Length > 500 ? error[..500] : error;
        NextAttemptAt = now + ServerUnavailableWait;
    }

    /// <summary>A temporary failure waits with exponential backoff (30 s, 1 min, 2 min … capped at 1 h); a permanent one, or the last attempt, is dead.</summary>
    public void Failed(string error, bool permanent, DateTimeOffset now)
    {
        Attempts++;
        LastError = error.Length > 500 ? error[..500] : error;
        if (permanent || Attempts >= MaxAttempts)
        {
            Status = OutboxEmailStatus.Dead;
            return;
        }
        var wait = TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, Attempts - 1)));
        NextAttemptAt = now + wait;
    }

    /// <summary>An admin sends a dead message again.</summary>
    public bool Retry(DateTimeOffset now)
    {
        if (Status != OutboxEmailStatus.Dead) return false;
        Status = OutboxEmailStatus.Pending;
        Attempts = 0;
        NextAttemptAt = now;
        return true;
    }
}
