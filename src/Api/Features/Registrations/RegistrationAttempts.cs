using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Assemble.Api.Features.Registrations;

/// <summary>What a member brings to a registration or a waitlist place (the same rules apply to both).</summary>
public static class RegistrationAttempts
{
    /// <summary>The shape errors a body can have before anything is read.</summary>
    public static Error? Invalid(Guid? ticketTypeId, List<RegisterForEvent.AnswerRequest>? answers, string code)
    {
        if (ticketTypeId is null) return Error.Validation(code, new Dictionary<string, string[]> { ["ticketTypeId"] = ["Required."] });
        if ((answers ?? []).Any(a => a.QuestionId is null)) return Error.Validation(code, new Dictionary<string, string[]> { ["answers"] = ["Each answer names its questionId."] });
        return null;
    }

    public static RegistrationAttempt Of(Guid memberId, Registrant member, Guid ticketTypeId, int quantity, List<RegisterForEvent.AnswerRequest>? answers, bool? pledge)
        => new(memberId, member.EmailConfirmed, member.VerifiedProfessions, ticketTypeId, quantity,
            (answers ?? []).Select(a => new Answer(a.QuestionId!.Value, a.Text?.Trim(), a.Choices)).ToList(), pledge ?? false);

    /// <summary>The member's attempt, or null when the account is gone.</summary>
    public static async Task<RegistrationAttempt?> ForAsync(AppDbContext db, ClaimsPrincipal user, DateOnly today, Guid ticketTypeId, int quantity,
        List<RegisterForEvent.AnswerRequest>? answers, bool? pledge, CancellationToken cancellationToken)
    {
        var memberId = user.RequiredMemberId();
        var confirmed = await db.Users.Where(u => u.Id == memberId).Select(u => (bool?)u.EmailConfirmed).SingleOrDefaultAsync(cancellationToken);
        if (confirmed is null) return null;
        var professions = await db.Credentials.Where(c => c.MemberId == memberId).Where(CredentialValidity.On(today))
            .Select(c => c.Kind).Distinct().ToListAsync(cancellationToken);
        return Of(memberId, new Registrant(confirmed.Value, professions.Order().ToList()), ticketTypeId, quantity, answers, pledge);
    }
}
