using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// The event's registrations by status now carry the member as well. Every seat statement asks whether the member
/// already holds an active registration for the event (<c>event_id = $1 AND member_id = $2 AND status IN (…)</c>).
/// With statistics taken while the table was nearly empty — a new database, or one whose first big event is selling
/// out before autovacuum has analysed it — the planner valued the (event_id, status) index the same as the unique
/// (event_id, member_id) one, chose it for the prepared statement, and each check then walked every active
/// registration of the event: a sell-out of 1,000 seats did half a million heap fetches. With the member as the
/// index's last column either index answers the check in a few pages, whatever the statistics say.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261201090000_RegistrationMemberLookup")]
public sealed class RegistrationMemberLookup : Migration
{
    /// <remarks>
    /// A plain CREATE INDEX, which holds writes to registrations for as long as the build takes.
    /// CREATE INDEX CONCURRENTLY was tried and does not fit the migrator: it waits for every open transaction, and a
    /// second instance waiting for the migration lock is one, so two instances starting together stalled
    /// (SchemaTests' concurrent-migration test timed out).
    /// </remarks>
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE INDEX ix_registrations_event_id_status_member_id ON registrations (event_id, status, member_id);
            DROP INDEX ix_registrations_event_id_status;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE INDEX ix_registrations_event_id_status ON registrations (event_id, status);
            DROP INDEX ix_registrations_event_id_status_member_id;
            """);
    }
}
