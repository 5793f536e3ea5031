using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
    {
        // Every instance reads the accounts whose stamp changed lately (their old sessions end): a handful of rows.
        builder.HasIndex(u => u.SecurityStampChangedAt).HasFilter("security_stamp_changed_at IS NOT NULL").HasDatabaseName("ix_users_stamp_changed");
        // Bumped by triggers (migration RegistrantVersion) when what a registration reads of the member changes: the
        // e-mail confirmation or any credential. Never written by EF. The seat path keeps members under it (SeatMemory).
        builder.Property<long>("RegistrantVersion").HasDefaultValue(0L).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
    }
}
