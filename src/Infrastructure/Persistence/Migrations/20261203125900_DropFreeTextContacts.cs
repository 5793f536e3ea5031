using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <summary>
    /// The contact kind <c>other</c> (free text) is gone from the model. Stored contacts of that kind could hold
    /// anything, so they are dropped rather than guessed into another kind, and each drop is a line in the audit
    /// log (ids only, never the text). The schema does not change: contacts are jsonb.
    /// </summary>
    public partial class DropFreeTextContacts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                WITH dropped AS (
                    UPDATE referral_requests SET requester_contact = NULL
                     WHERE lower(requester_contact ->> 'kind') = 'other'
                    RETURNING id)
                INSERT INTO audit_log (id, actor_id, action, target_type, target_id, occurred_at, detail)
                SELECT gen_random_uuid(), NULL, 'referral.contact_dropped', 'referral_request', id, now(), 'requester_contact kind=other' FROM dropped;

                WITH dropped AS (
                    UPDATE introductions SET invitee_contact = NULL
                     WHERE lower(invitee_contact ->> 'kind') = 'other'
                    RETURNING id)
                INSERT INTO audit_log (id, actor_id, action, target_type, target_id, occurred_at, detail)
                SELECT gen_random_uuid(), NULL, 'referral.contact_dropped', 'introduction', id, now(), 'invitee_contact kind=other' FROM dropped;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The dropped text is not kept anywhere, so nothing can be put back.
        }
    }
}
