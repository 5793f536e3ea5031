using Assemble.Infrastructure.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Assemble.Infrastructure.Persistence.Configurations;

public sealed class AppUserConfiguration : IEntityTypeConfiguration<AppUser>
{
    public void Configure(EntityTypeBuilder<AppUser> builder)
        // Every instance reads the accounts whose stamp changed lately (their old sessions end): a handful of rows.
        => builder.HasIndex(u => u.SecurityStampChangedAt).HasFilter("security_stamp_changed_at IS NOT NULL").HasDatabaseName("ix_users_stamp_changed");
}
