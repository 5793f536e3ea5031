using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Assemble.Infrastructure.Persistence.Migrations;

/// <summary>
/// Payments (one Checkout Session per paid registration), refunds (a row before any Stripe call) and the processed Stripe event ids.
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
                refunded_yen integer NOT NULL,
                CONSTRAINT pk_payments PRIMARY KEY (id),
                CONSTRAINT ck_payments_amount CHECK (amount_yen > 0),
                CONSTRAINT ck_payments_refunds CHECK (refunded_yen >= 0 AND refunded_yen <= amount_yen),
                CONSTRAINT fk_payments_registrations_registration_id FOREIGN KEY (registration_id) REFERENCES registrations (id) ON DELETE CASCADE
            );

            CREATE TABLE refunds (
                id uuid NOT NULL,
                payment_id uuid NOT NULL,
                registration_id uuid NOT NULL,
                event_id uuid NOT NULL,
                amount_yen integer NOT NULL,
                reason character varying(30) NOT NULL,
                status character varying(20) NOT NULL,
                idempotency_key character varying(100) NOT NULL,
                stripe_refund_id character varying(255),
                attempts integer NOT NULL,
                failure_reason character varying(300),
                created_at timestamp with time zone NOT NULL,
                updated_at timestamp with time zone NOT NULL,
                CONSTRAINT pk_refunds PRIMARY KEY (id),
                CONSTRAINT ck_refunds_amount CHECK (amount_yen > 0),
                CONSTRAINT fk_refunds_payments_payment_id FOREIGN KEY (payment_id) REFERENCES payments (id) ON DELETE CASCADE
            );

            CREATE UNIQUE INDEX ix_payments_checkout_session_id ON payments (checkout_session_id);

            CREATE INDEX ix_payments_event_id ON payments (event_id);

            CREATE UNIQUE INDEX ix_payments_registration_id ON payments (registration_id);

            CREATE INDEX ix_refunds_event_id_status ON refunds (event_id, status);

            CREATE UNIQUE INDEX ix_refunds_one_automatic_per_reason ON refunds (registration_id, reason) WHERE reason IN ('EventCancelled', 'LatePaymentNoSeat', 'MemberCancelled');

            CREATE INDEX ix_refunds_payment_id ON refunds (payment_id);

            CREATE UNIQUE INDEX ix_refunds_stripe_refund_id ON refunds (stripe_refund_id);

            CREATE INDEX ix_refunds_to_send ON refunds (created_at) WHERE status = 'Requested';
            """);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql("DROP TABLE refunds, payments, processed_stripe_events;");
    }
}
