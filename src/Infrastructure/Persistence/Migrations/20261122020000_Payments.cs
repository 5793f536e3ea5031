using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Payments (one Checkout Session per paid registration) and the processed Stripe event ids.
/// Written by hand; <c>Schema_from_migrations_equals_schema_from_model</c> proves it matches the model.
/// </summary>
[DbContext(typeof(AppDbContext))]
[Migration("20261122020000_Payments")]
public sealed class Payments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql(
            """
            CREATE TABLE processed_stripe_events (
                id character varying(255) NOT NULL,
                type character varying(100) NOT NULL,
                processed_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_processed_stripe_events PRIMARY KEY (id)
            );

            CREATE TABLE payments (
                id uuid NOT NULL,
                registration_id uuid NOT NULL,
                event_id uuid NOT NULL,
                member_id uuid NOT NULL,
                amount_yen integer NOT NULL,
                status character varying(30) NOT NULL,
                checkout_idempotency_key character varying(100) NOT NULL,
                checkout_session_id character varying(255),
                checkout_url character varying(2000),
                checkout_expires_at timestamp with time zone,
                payment_intent_id character varying(255),
                created_at timestamp with time zone NOT NULL,
                paid_at timestamp with time zone,
                refund_due boolean NOT NULL,
                CONSTRAINT pk_payments PRIMARY KEY (id),
                CONSTRAINT ck_payments_amount CHECK (amount_yen > 0),
                CONSTRAINT fk_payments_registrations_registration_id FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE
            );

            CREATE UNIQUE INDEX ix_payments_checkout_session_id ON payments (checkout_session_id);

            CREATE INDEX ix_payments_event_id ON payments (event_id);

            CREATE UNIQUE INDEX ix_payments_registration_id ON payments (registration_id);
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE payments, processed_stripe_events;");
    }
}
