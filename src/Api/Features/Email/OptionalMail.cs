using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;

namespace Assemble.Api.Features.Email;

/// <summary>
/// Mail a member may turn off — reminders and organizers' messages, both stopped by the <c>reminders</c> preference
/// or a List-Unsubscribe click. The one place that says who still gets it.
/// </summary>
public static class OptionalMail
{
    public static IQueryable<Registration> WhoAcceptOptionalMail(this IQueryable<Registration> registrations, AppDbContext db)
        => registrations.Where(r => !db.MailPreferences.Any(p => p.MemberId == r.MemberId && !p.Reminders));
}
