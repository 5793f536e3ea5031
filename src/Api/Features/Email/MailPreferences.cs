using System.ComponentModel.DataAnnotations;

namespace Assemble.Api.Features.Email;

/// <summary>Which optional mail a member receives: today only event reminders. Read and written whole.</summary>
public sealed record MailPreferences([Required] bool? Reminders);
