using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Double opt-in introductions and the request's state machine: requests start as Draft (the old Open), gain the
/// requester's contact channel, a closing time (the retention clock) and an outcome.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122080000_Introductions")]
public sealed class Introductions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            ALTER TABLE referral_requests ADD requester_contact jsonb;
            ALTER TABLE referral_requests ADD closed_at timestamp with time zone;
            ALTER TABLE referral_requests ADD outcome character varying(30);
            UPDATE referral_requests SET status = 'Draft' WHERE status = 'Open';
            UPDATE referral_requests SET closed_at = created_at WHERE status = 'Closed';

            CREATE TABLE introductions (
                id uuid NOT NULL,
                request_id uuid NOT NULL,
                invitee_id uuid NOT NULL,
                status character varying(20) NOT NULL,
                sent_at timestamp with time zone NOT NULL,
                respond_by timestamp with time zone NOT NULL,
                answered_at timestamp with time zone,
                decline_reason character varying(20),
                invitee_contact jsonb,
                updated_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_introductions PRIMARY KEY (id),
                CONSTRAINT fk_introductions_referral_requests_request_id FOREIGN KEY (request_id) REFERENCES referral_requests (id) ON DELETE CASCADE,
                CONSTRAINT fk_introductions_users_invitee_id FOREIGN KEY (invitee_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE INDEX ix_introductions_invitee_id_id ON introductions (invitee_id, id);
            CREATE UNIQUE INDEX ix_introductions_request_id_invitee_id ON introductions (request_id, invitee_id);
            CREATE INDEX ix_introductions_respond_by ON introductions (respond_by) WHERE status = 'Sent';
            CREATE INDEX ix_referral_requests_closed_at ON referral_requests (closed_at) WHERE closed_at IS NOT NULL;
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            DROP TABLE introductions;
            UPDATE referral_requests SET status = 'Open' WHERE status IN ('Draft', 'Sent');
            ALTER TABLE referral_requests DROP COLUMN requester_contact, DROP COLUMN closed_at, DROP COLUMN outcome;
            """);
    }
}
