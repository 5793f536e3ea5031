using Assemble.Domain.Common;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Infrastructure.Email;

/// <summary>
/// The e-mail seam's implementation: a message is a row in the outbox, saved with whatever the caller's
/// DbContext is saving (inside the caller's transaction when there is one, so a rolled-back change sends nothing).
/// The outbox dispatcher does the sending.
/// </summary>
public sealed class OutboxEmailSender(AppDbContext db, TimeProvider time) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken = default)
    {
        db.OutboxEmails.Add(new OutboxEmail(message.To, message.Subject, message.TextBody, message.HtmlBody, message.Essential, time.GetUtcNow()));
        await db.SaveChangesAsync(cancellationToken);
    }
}
