using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

/// <summary>A renewal reminder sent: one row per member, paid-until day and reminder (30 or 7 days), so each goes out once.</summary>
public sealed class MembershipReminderSend
{
    public Guid MemberId { get; set; }
    public DateOnly PaidUntil { get; set; }
    public int DaysBefore { get; set; }
    public DateTimeOffset SentAt { get; set; }
}

public sealed class MembershipReminderSendConfiguration : IEntityTypeConfiguration<MembershipReminderSend>
{
    public void Configure(EntityTypeBuilder<MembershipReminderSend> builder)
    {
        builder.ToTable("MembershipReminderSends");
        builder.HasKey(r => new { r.MemberId, r.PaidUntil, r.DaysBefore });
        builder.HasOne<AppUser>().WithMany().HasForeignKey(r => r.MemberId).OnDelete(DeleteBehavior.Cascade);
    }
}
