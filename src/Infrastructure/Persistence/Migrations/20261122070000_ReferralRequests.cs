using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>Referral requests: a need, never a person (no column for any client identifier). The schema tests check it.</summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122070000_ReferralRequests")]
public sealed class ReferralRequests : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE referral_requests (
                id uuid NOT NULL,
                requester_id uuid NOT NULL,
                wanted_professions text[] NOT NULL,
                specialties text[] NOT NULL,
                modalities text[] NOT NULL,
                age_group character varying(20),
                languages text[] NOT NULL,
                delivery text[] NOT NULL,
                area text[] NOT NULL,
                max_fee_yen integer,
                insurance_needed boolean NOT NULL,
                urgency character varying(20) NOT NULL,
                note character varying(500),
                status character varying(20) NOT NULL,
                created_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_referral_requests PRIMARY KEY (id),
                CONSTRAINT fk_referral_requests_users_requester_id FOREIGN KEY (requester_id) REFERENCES users (id) ON DELETE CASCADE
            );

            CREATE INDEX ix_referral_requests_requester_id_id ON referral_requests (requester_id, id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE referral_requests;");
    }
}
