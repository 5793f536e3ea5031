using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>A verified credential can be revoked by an admin, with a reason (kept where a rejection's reason is).</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122110000_CredentialRevocation")]
public sealed class CredentialRevocation : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE credentials DROP CONSTRAINT ck_credentials_rejection_reason;
            ALTER TABLE credentials ADD CONSTRAINT ck_credentials_rejection_reason CHECK ((status IN ('Rejected', 'Revoked')) = (rejection_reason IS NOT NULL));
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE credentials DROP CONSTRAINT ck_credentials_rejection_reason;
            ALTER TABLE credentials ADD CONSTRAINT ck_credentials_rejection_reason CHECK ((status = 'Rejected') = (rejection_reason IS NOT NULL));
            """);
    }
}
