using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class MembershipRegistrantVersion : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Whether a membership is active is now part of what a registration reads of a member (member prices), so
            // a paid period changes the member's registrant version as a credential does. The credential's function
            // only reads member_id, which both tables have: it is renamed for what it does and shared.
            migrationBuilder.Sql(
                """
                ALTER FUNCTION bump_registrant_version_of_credential() RENAME TO bump_registrant_version_of_member_row;

                CREATE TRIGGER tr_membership_payments_registrant_version AFTER INSERT OR DELETE OR UPDATE OF member_id, starts_on, ends_on
                    ON membership_payments FOR EACH ROW EXECUTE FUNCTION bump_registrant_version_of_member_row();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(
                """
                DROP TRIGGER tr_membership_payments_registrant_version ON membership_payments;
                ALTER FUNCTION bump_registrant_version_of_member_row() RENAME TO bump_registrant_version_of_credential;
                """);
        }
    }
}
