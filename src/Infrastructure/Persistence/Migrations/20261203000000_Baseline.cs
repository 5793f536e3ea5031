using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class Baseline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    actor_id = table.Column<Guid>(type: "uuid", nullable: true),
                    action = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    target_id = table.Column<Guid>(type: "uuid", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    detail = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    xml = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "directory_versions",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_directory_versions", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "domain_events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    type = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: true),
                    subject_id = table.Column<Guid>(type: "uuid", nullable: true),
                    occurred_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_domain_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "idempotency_records",
                columns: table => new
                {
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    status_code = table.Column<int>(type: "integer", nullable: true),
                    content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    body = table.Column<string>(type: "text", nullable: true),
                    location = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_idempotency_records", x => new { x.member_id, x.key });
                });

            migrationBuilder.CreateTable(
                name: "outbox_emails",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    to = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    text_body = table.Column<string>(type: "text", nullable: false),
                    html_body = table.Column<string>(type: "text", nullable: true),
                    essential = table.Column<bool>(type: "boolean", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    next_attempt_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    attachment_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    attachment_content_type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    attachment_content = table.Column<string>(type: "text", nullable: true),
                    unsubscribe_url = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_outbox_emails", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "processed_stripe_events",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    type = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    processed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_processed_stripe_events", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "roles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_roles", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "users",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_user_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    email_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    password_hash = table.Column<string>(type: "text", nullable: true),
                    security_stamp = table.Column<string>(type: "text", nullable: true),
                    concurrency_stamp = table.Column<string>(type: "text", nullable: true),
                    phone_number = table.Column<string>(type: "text", nullable: true),
                    phone_number_confirmed = table.Column<bool>(type: "boolean", nullable: false),
                    two_factor_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    lockout_end = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lockout_enabled = table.Column<bool>(type: "boolean", nullable: false),
                    access_failed_count = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_users", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "vocabulary_terms",
                columns: table => new
                {
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    code = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    label_ja = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    label_en = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    active = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_vocabulary_terms", x => new { x.kind, x.code });
                });

            migrationBuilder.CreateTable(
                name: "role_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_role_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_role_claims_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "calendar_feeds",
                columns: table => new
                {
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_calendar_feeds", x => x.member_id);
                    table.ForeignKey(
                        name: "fk_calendar_feeds_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "credentials",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    registration_number = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    issuer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    expires_on = table.Column<DateOnly>(type: "date", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    submitted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    decided_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decided_by = table.Column<Guid>(type: "uuid", nullable: true),
                    rejection_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credentials", x => x.id);
                    table.CheckConstraint("ck_credentials_decision", "(status = 'Pending') = (decided_at IS NULL)");
                    table.CheckConstraint("ck_credentials_rejection_reason", "(status IN ('Rejected', 'Revoked')) = (rejection_reason IS NOT NULL)");
                    table.ForeignKey(
                        name: "fk_credentials_users_decided_by",
                        column: x => x.decided_by,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_credentials_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "events",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organizer_id = table.Column<Guid>(type: "uuid", nullable: false),
                    co_organizer_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    kind = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    format = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true),
                    time_zone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    venue_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    venue_address = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    venue_prefecture = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    online_join_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    attendee_materials = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    attendee_notes = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    audience = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    audience_professions = table.Column<string[]>(type: "text[]", nullable: false),
                    capacity = table.Column<int>(type: "integer", nullable: false),
                    seats_taken = table.Column<int>(type: "integer", nullable: false),
                    requires_approval = table.Column<bool>(type: "boolean", nullable: false),
                    speakers = table.Column<string>(type: "jsonb", nullable: false),
                    questions = table.Column<string>(type: "jsonb", nullable: false),
                    pledge_text = table.Column<string>(type: "text", nullable: true),
                    pledge_version = table.Column<int>(type: "integer", nullable: false),
                    cancellation_deadline_hours = table.Column<int>(type: "integer", nullable: false),
                    hold_minutes = table.Column<int>(type: "integer", nullable: false),
                    offer_hours = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    cancellation_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    sequence = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    published_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancelled_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    // Last, as on databases made before the baseline (the column came later).
                    reminder_rules = table.Column<string>(type: "jsonb", nullable: false),
                    version = table.Column<long>(type: "bigint", nullable: false, defaultValue: 0L)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_events", x => x.id);
                    table.CheckConstraint("ck_events_seats", "seats_taken >= 0 AND seats_taken <= capacity");
                    table.CheckConstraint("ck_events_times", "ends_at > starts_at");
                    table.ForeignKey(
                        name: "fk_events_users_organizer_id",
                        column: x => x.organizer_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "mail_preferences",
                columns: table => new
                {
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reminders = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mail_preferences", x => x.member_id);
                    table.ForeignKey(
                        name: "fk_mail_preferences_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "member_profiles",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    display_name = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    name_kana = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    professions = table.Column<string[]>(type: "text[]", nullable: false),
                    organisation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    prefecture = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    bio = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    interests = table.Column<string[]>(type: "text[]", nullable: false),
                    preferred_language = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    name_kana_visibility = table.Column<int>(type: "integer", nullable: false),
                    professions_visibility = table.Column<int>(type: "integer", nullable: false),
                    organisation_visibility = table.Column<int>(type: "integer", nullable: false),
                    prefecture_visibility = table.Column<int>(type: "integer", nullable: false),
                    bio_visibility = table.Column<int>(type: "integer", nullable: false),
                    interests_visibility = table.Column<int>(type: "integer", nullable: false),
                    is_hidden = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_member_profiles", x => x.id);
                    table.ForeignKey(
                        name: "fk_member_profiles_users_id",
                        column: x => x.id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "practice_profiles",
                columns: table => new
                {
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    specialties = table.Column<List<string>>(type: "text[]", nullable: false),
                    modalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    age_groups = table.Column<string[]>(type: "text[]", nullable: false),
                    languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    delivery = table.Column<string[]>(type: "text[]", nullable: false),
                    locations = table.Column<string>(type: "jsonb", nullable: false),
                    online_prefectures = table.Column<string[]>(type: "text[]", nullable: false),
                    settings = table.Column<string[]>(type: "text[]", nullable: false),
                    fee_min_yen = table.Column<int>(type: "integer", nullable: true),
                    fee_max_yen = table.Column<int>(type: "integer", nullable: true),
                    insurance_covered = table.Column<bool>(type: "boolean", nullable: false),
                    acceptance = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    acceptance_confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    typical_wait_weeks = table.Column<int>(type: "integer", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_practice_profiles", x => x.member_id);
                    table.CheckConstraint("ck_practice_profiles_fees", "fee_min_yen IS NULL OR fee_max_yen IS NULL OR fee_min_yen <= fee_max_yen");
                    table.ForeignKey(
                        name: "fk_practice_profiles_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "referral_requests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    requester_id = table.Column<Guid>(type: "uuid", nullable: false),
                    wanted_professions = table.Column<string[]>(type: "text[]", nullable: false),
                    specialties = table.Column<List<string>>(type: "text[]", nullable: false),
                    modalities = table.Column<List<string>>(type: "text[]", nullable: false),
                    age_group = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    delivery = table.Column<string[]>(type: "text[]", nullable: false),
                    area = table.Column<string[]>(type: "text[]", nullable: false),
                    max_fee_yen = table.Column<int>(type: "integer", nullable: true),
                    insurance_needed = table.Column<bool>(type: "boolean", nullable: false),
                    urgency = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    note = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    requester_contact = table.Column<string>(type: "jsonb", nullable: true),
                    closed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    outcome = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_referral_requests", x => x.id);
                    table.ForeignKey(
                        name: "fk_referral_requests_users_requester_id",
                        column: x => x.requester_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_claims",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    claim_type = table.Column<string>(type: "text", nullable: true),
                    claim_value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_claims", x => x.id);
                    table.ForeignKey(
                        name: "fk_user_claims_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_logins",
                columns: table => new
                {
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    provider_key = table.Column<string>(type: "text", nullable: false),
                    provider_display_name = table.Column<string>(type: "text", nullable: true),
                    user_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_logins", x => new { x.login_provider, x.provider_key });
                    table.ForeignKey(
                        name: "fk_user_logins_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_roles",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    role_id = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_roles", x => new { x.user_id, x.role_id });
                    table.ForeignKey(
                        name: "fk_user_roles_roles_role_id",
                        column: x => x.role_id,
                        principalTable: "roles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_user_roles_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "user_tokens",
                columns: table => new
                {
                    user_id = table.Column<Guid>(type: "uuid", nullable: false),
                    login_provider = table.Column<string>(type: "text", nullable: false),
                    name = table.Column<string>(type: "text", nullable: false),
                    value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_user_tokens", x => new { x.user_id, x.login_provider, x.name });
                    table.ForeignKey(
                        name: "fk_user_tokens_users_user_id",
                        column: x => x.user_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "event_sessions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    starts_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ends_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_event_sessions", x => x.id);
                    table.CheckConstraint("ck_event_sessions_times", "ends_at > starts_at");
                    table.ForeignKey(
                        name: "fk_event_sessions_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "matchmaking_meetings",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    round = table.Column<int>(type: "integer", nullable: false),
                    table_no = table.Column<int>(type: "integer", nullable: false),
                    doctor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    counsellor_id = table.Column<Guid>(type: "uuid", nullable: false),
                    score = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_matchmaking_meetings", x => new { x.event_id, x.round, x.table_no });
                    table.ForeignKey(
                        name: "fk_matchmaking_meetings_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "matchmaking_selections",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    chooser_id = table.Column<Guid>(type: "uuid", nullable: false),
                    chosen_id = table.Column<Guid>(type: "uuid", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_matchmaking_selections", x => new { x.event_id, x.chooser_id, x.chosen_id });
                    table.CheckConstraint("ck_matchmaking_selections_not_self", "chooser_id <> chosen_id");
                    table.ForeignKey(
                        name: "fk_matchmaking_selections_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "reminder_sends",
                columns: table => new
                {
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    due_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    recipients = table.Column<int>(type: "integer", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reminder_sends", x => new { x.event_id, x.due_at });
                    table.ForeignKey(
                        name: "fk_reminder_sends_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ticket_types",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    price_yen = table.Column<int>(type: "integer", nullable: false),
                    member_price_yen = table.Column<int>(type: "integer", nullable: true),
                    quota = table.Column<int>(type: "integer", nullable: true),
                    sales_start_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sales_end_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    max_per_member = table.Column<int>(type: "integer", nullable: false),
                    seats_taken = table.Column<int>(type: "integer", nullable: false),
                    // Last, as on databases made before the baseline (the column came later).
                    side = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_ticket_types", x => x.id);
                    table.CheckConstraint("ck_ticket_types_prices", "price_yen >= 0 AND (member_price_yen IS NULL OR member_price_yen >= 0)");
                    table.CheckConstraint("ck_ticket_types_seats", "seats_taken >= 0 AND (quota IS NULL OR seats_taken <= quota)");
                    table.ForeignKey(
                        name: "fk_ticket_types_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "introductions",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    request_id = table.Column<Guid>(type: "uuid", nullable: false),
                    invitee_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    respond_by = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    answered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    decline_reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    invitee_contact = table.Column<string>(type: "jsonb", nullable: true),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_introductions", x => x.id);
                    table.ForeignKey(
                        name: "fk_introductions_referral_requests_request_id",
                        column: x => x.request_id,
                        principalTable: "referral_requests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_introductions_users_invitee_id",
                        column: x => x.invitee_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "registrations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ticket_type_id = table.Column<Guid>(type: "uuid", nullable: false),
                    quantity = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    amount_yen = table.Column<int>(type: "integer", nullable: false),
                    hold_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    answers = table.Column<string>(type: "jsonb", nullable: false),
                    pledge_version = table.Column<int>(type: "integer", nullable: true),
                    pledge_accepted_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    check_in_code = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ended_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    end_reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    waitlist_entry_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_registrations", x => x.id);
                    table.CheckConstraint("ck_registrations_amount", "amount_yen >= 0");
                    table.CheckConstraint("ck_registrations_hold", "(status = 'PendingPayment') = (hold_expires_at IS NOT NULL)");
                    table.CheckConstraint("ck_registrations_quantity", "quantity BETWEEN 1 AND 10");
                    table.ForeignKey(
                        name: "fk_registrations_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_registrations_ticket_types_ticket_type_id",
                        column: x => x.ticket_type_id,
                        principalTable: "ticket_types",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_registrations_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "waitlist_entries",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    ticket_type_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    offered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    offer_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    responded_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    answers = table.Column<string>(type: "jsonb", nullable: false),
                    pledge_accepted = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_waitlist_entries", x => x.id);
                    table.CheckConstraint("ck_waitlist_offer", "(status = 'Offered') = (offer_expires_at IS NOT NULL AND responded_at IS NULL)");
                    table.ForeignKey(
                        name: "fk_waitlist_entries_events_event_id",
                        column: x => x.event_id,
                        principalTable: "events",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_waitlist_entries_ticket_types_ticket_type_id",
                        column: x => x.ticket_type_id,
                        principalTable: "ticket_types",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_waitlist_entries_users_member_id",
                        column: x => x.member_id,
                        principalTable: "users",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "check_ins",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    registration_id = table.Column<Guid>(type: "uuid", nullable: false),
                    session_id = table.Column<Guid>(type: "uuid", nullable: false),
                    checked_in_by = table.Column<Guid>(type: "uuid", nullable: false),
                    checked_in_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_check_ins", x => x.id);
                    table.ForeignKey(
                        name: "fk_check_ins_event_sessions_session_id",
                        column: x => x.session_id,
                        principalTable: "event_sessions",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_check_ins_registrations_registration_id",
                        column: x => x.registration_id,
                        principalTable: "registrations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "payments",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    registration_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    member_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_yen = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    checkout_idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    checkout_session_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    checkout_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    checkout_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    payment_intent_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    paid_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    refund_due = table.Column<bool>(type: "boolean", nullable: false),
                    refunded_yen = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_payments", x => x.id);
                    table.CheckConstraint("ck_payments_amount", "amount_yen > 0");
                    table.CheckConstraint("ck_payments_refunds", "refunded_yen >= 0 AND refunded_yen <= amount_yen");
                    table.ForeignKey(
                        name: "fk_payments_registrations_registration_id",
                        column: x => x.registration_id,
                        principalTable: "registrations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "refunds",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    registration_id = table.Column<Guid>(type: "uuid", nullable: false),
                    event_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount_yen = table.Column<int>(type: "integer", nullable: false),
                    reason = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    idempotency_key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    stripe_refund_id = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    failure_reason = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_refunds", x => x.id);
                    table.CheckConstraint("ck_refunds_amount", "amount_yen > 0");
                    table.ForeignKey(
                        name: "fk_refunds_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_actor_id",
                table: "audit_log",
                column: "actor_id");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_target_type_target_id",
                table: "audit_log",
                columns: new[] { "target_type", "target_id" });

            migrationBuilder.CreateIndex(
                name: "ix_calendar_feeds_token_hash",
                table: "calendar_feeds",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_check_ins_registration_id_session_id",
                table: "check_ins",
                columns: new[] { "registration_id", "session_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_check_ins_session_id",
                table: "check_ins",
                column: "session_id");

            migrationBuilder.CreateIndex(
                name: "ix_credentials_decided_by",
                table: "credentials",
                column: "decided_by");

            migrationBuilder.CreateIndex(
                name: "ix_credentials_one_open_per_kind",
                table: "credentials",
                columns: new[] { "member_id", "kind" },
                unique: true,
                filter: "status IN ('Pending', 'Verified')");

            migrationBuilder.CreateIndex(
                name: "ix_credentials_status_id",
                table: "credentials",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_domain_events_event_id_type",
                table: "domain_events",
                columns: new[] { "event_id", "type" });

            migrationBuilder.CreateIndex(
                name: "ix_domain_events_unprocessed",
                table: "domain_events",
                column: "id",
                filter: "processed_at IS NULL");

            migrationBuilder.CreateIndex(
                name: "ix_event_sessions_event_id_starts_at",
                table: "event_sessions",
                columns: new[] { "event_id", "starts_at" });

            migrationBuilder.CreateIndex(
                name: "ix_events_organizer_id",
                table: "events",
                column: "organizer_id");

            migrationBuilder.CreateIndex(
                name: "ix_events_status_starts_at_id",
                table: "events",
                columns: new[] { "status", "starts_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_idempotency_records_created_at",
                table: "idempotency_records",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_introductions_invitee_id_id",
                table: "introductions",
                columns: new[] { "invitee_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_introductions_request_id_invitee_id",
                table: "introductions",
                columns: new[] { "request_id", "invitee_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_introductions_respond_by",
                table: "introductions",
                column: "respond_by",
                filter: "status = 'Sent'");

            migrationBuilder.CreateIndex(
                name: "ix_matchmaking_meetings_event_id_doctor_id_counsellor_id",
                table: "matchmaking_meetings",
                columns: new[] { "event_id", "doctor_id", "counsellor_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_matchmaking_meetings_event_id_round_counsellor_id",
                table: "matchmaking_meetings",
                columns: new[] { "event_id", "round", "counsellor_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_matchmaking_meetings_event_id_round_doctor_id",
                table: "matchmaking_meetings",
                columns: new[] { "event_id", "round", "doctor_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_matchmaking_selections_event_id_chosen_id",
                table: "matchmaking_selections",
                columns: new[] { "event_id", "chosen_id" });

            migrationBuilder.CreateIndex(
                name: "ix_member_profiles_created_at",
                table: "member_profiles",
                column: "created_at");

            migrationBuilder.CreateIndex(
                name: "ix_member_profiles_prefecture",
                table: "member_profiles",
                column: "prefecture");

            migrationBuilder.CreateIndex(
                name: "ix_member_profiles_professions",
                table: "member_profiles",
                column: "professions")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_emails_due",
                table: "outbox_emails",
                column: "next_attempt_at",
                filter: "status = 'Pending'");

            migrationBuilder.CreateIndex(
                name: "ix_outbox_emails_status_id",
                table: "outbox_emails",
                columns: new[] { "status", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_payments_checkout_session_id",
                table: "payments",
                column: "checkout_session_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_payments_event_id",
                table: "payments",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_payments_registration_id",
                table: "payments",
                column: "registration_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_practice_profiles_modalities",
                table: "practice_profiles",
                column: "modalities")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_practice_profiles_specialties",
                table: "practice_profiles",
                column: "specialties")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_referral_requests_closed_at",
                table: "referral_requests",
                column: "closed_at",
                filter: "closed_at IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_referral_requests_requester_id_id",
                table: "referral_requests",
                columns: new[] { "requester_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_refunds_event_id_status",
                table: "refunds",
                columns: new[] { "event_id", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_refunds_one_automatic_per_reason",
                table: "refunds",
                columns: new[] { "registration_id", "reason" },
                unique: true,
                filter: "reason IN ('EventCancelled', 'LatePaymentNoSeat', 'MemberCancelled')");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_payment_id",
                table: "refunds",
                column: "payment_id");

            migrationBuilder.CreateIndex(
                name: "ix_refunds_stripe_refund_id",
                table: "refunds",
                column: "stripe_refund_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_refunds_to_send",
                table: "refunds",
                column: "created_at",
                filter: "status = 'Requested'");

            migrationBuilder.CreateIndex(
                name: "ix_registrations_check_in_code",
                table: "registrations",
                column: "check_in_code",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_registrations_event_id_status_member_id",
                table: "registrations",
                columns: new[] { "event_id", "status", "member_id" });

            migrationBuilder.CreateIndex(
                name: "ix_registrations_holds_due",
                table: "registrations",
                column: "hold_expires_at",
                filter: "status = 'PendingPayment'");

            migrationBuilder.CreateIndex(
                name: "ix_registrations_member_id_id",
                table: "registrations",
                columns: new[] { "member_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_registrations_one_active_per_member",
                table: "registrations",
                columns: new[] { "event_id", "member_id" },
                unique: true,
                filter: "status IN ('PendingApproval', 'PendingPayment', 'Confirmed')");

            migrationBuilder.CreateIndex(
                name: "ix_registrations_ticket_type_id",
                table: "registrations",
                column: "ticket_type_id");

            migrationBuilder.CreateIndex(
                name: "ix_role_claims_role_id",
                table: "role_claims",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "role_name_index",
                table: "roles",
                column: "normalized_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_ticket_types_event_id",
                table: "ticket_types",
                column: "event_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_claims_user_id",
                table: "user_claims",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_logins_user_id",
                table: "user_logins",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_user_roles_role_id",
                table: "user_roles",
                column: "role_id");

            migrationBuilder.CreateIndex(
                name: "email_index",
                table: "users",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "user_name_index",
                table: "users",
                column: "normalized_user_name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_event_id_status_joined_at",
                table: "waitlist_entries",
                columns: new[] { "event_id", "status", "joined_at" });

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_member_id",
                table: "waitlist_entries",
                column: "member_id");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_entries_ticket_type_id",
                table: "waitlist_entries",
                column: "ticket_type_id");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_offers_due",
                table: "waitlist_entries",
                column: "offer_expires_at",
                filter: "status = 'Offered'");

            migrationBuilder.CreateIndex(
                name: "ix_waitlist_one_open_per_member",
                table: "waitlist_entries",
                columns: new[] { "event_id", "member_id" },
                unique: true,
                filter: "status IN ('Waiting', 'Offered')");

            // What EF's model cannot express: seed rows, and the triggers (with their functions) that bump version rows.
            // Keep each block's comment: it says why the SQL is as it is.

            // The granted roles; "member" is implied for every account and has no row.
            migrationBuilder.Sql(
                """
                INSERT INTO roles (id, name, normalized_name, concurrency_stamp) VALUES
                    ('0199a000-0000-7000-8000-000000000001', 'organizer', 'ORGANIZER', '0199a000-0000-7000-8000-000000000001'),
                    ('0199a000-0000-7000-8000-000000000002', 'admin', 'ADMIN', '0199a000-0000-7000-8000-000000000002')
                ON CONFLICT DO NOTHING;
                """);

            // The referral board's controlled vocabularies, with Japanese and English labels.
            migrationBuilder.Sql(
                """
                INSERT INTO vocabulary_terms (kind, code, label_ja, label_en, active) VALUES
                    ('Specialty', 'depression', 'うつ', 'Depression', true),
                    ('Specialty', 'anxiety', '不安', 'Anxiety', true),
                    ('Specialty', 'trauma-ptsd', 'トラウマ・PTSD', 'Trauma / PTSD', true),
                    ('Specialty', 'developmental', '発達障害', 'Developmental disorders', true),
                    ('Specialty', 'addiction', '依存症', 'Addiction', true),
                    ('Specialty', 'eating-disorders', '摂食障害', 'Eating disorders', true),
                    ('Specialty', 'grief', 'グリーフ', 'Grief', true),
                    ('Specialty', 'family-couples', '家族・夫婦', 'Family and couples', true),
                    ('Specialty', 'child-adolescent', '子ども・思春期', 'Child and adolescent', true),
                    ('Specialty', 'workplace', '職場のメンタルヘルス', 'Workplace mental health', true),
                    ('Specialty', 'dementia', '認知症ケア', 'Dementia care', true),
                    ('Specialty', 'perinatal', '周産期', 'Perinatal', true),
                    ('Specialty', 'suicide-prevention', '自殺予防', 'Suicide prevention', true),
                    ('Specialty', 'psychosis', '精神病性障害', 'Psychosis', true),
                    ('Modality', 'cbt', '認知行動療法', 'CBT', true),
                    ('Modality', 'emdr', 'EMDR', 'EMDR', true),
                    ('Modality', 'psychodynamic', '精神力動的心理療法', 'Psychodynamic', true),
                    ('Modality', 'family-therapy', '家族療法', 'Family therapy', true),
                    ('Modality', 'play-therapy', '遊戯療法', 'Play therapy', true),
                    ('Modality', 'schema', 'スキーマ療法', 'Schema therapy', true),
                    ('Modality', 'mindfulness', 'マインドフルネス', 'Mindfulness-based', true),
                    ('Modality', 'dbt', '弁証法的行動療法', 'DBT', true),
                    ('Modality', 'act', 'ACT', 'ACT', true),
                    ('Modality', 'tf-cbt', 'トラウマフォーカスト認知行動療法', 'TF-CBT', true),
                    ('Modality', 'person-centred', '来談者中心療法', 'Person-centred', true),
                    ('Modality', 'solution-focused', '解決志向ブリーフセラピー', 'Solution-focused', true)
                ON CONFLICT DO NOTHING;
                """);

            // The directory index's change counter, bumped only by changes to what the index holds (practice profiles,
            // verified credentials, display names and hiding), so editing a bio or submitting a credential reloads
            // nothing. Deferred constraint triggers bump the one row at commit, after every other statement of the
            // transaction: the row lock is taken last and held for the commit only (no lock-order cycles with the
            // rows the transaction changed), and a reader sees the new version exactly when the change is visible.
            migrationBuilder.Sql(
                """
                INSERT INTO directory_versions (id, version) VALUES (1, 0);

                CREATE FUNCTION bump_directory_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE directory_versions SET version = version + 1 WHERE id = 1;
                    RETURN NULL;
                END
                $$;

                CREATE CONSTRAINT TRIGGER tr_practice_profiles_directory AFTER INSERT OR UPDATE OR DELETE ON practice_profiles
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
                -- Only what the index holds: verified credentials (a new one is always pending) and names/hiding.
                CREATE CONSTRAINT TRIGGER tr_credentials_directory AFTER UPDATE OF status, kind, expires_on ON credentials
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'Verified' OR NEW.status = 'Verified')
                    EXECUTE FUNCTION bump_directory_version();
                CREATE CONSTRAINT TRIGGER tr_credentials_directory_delete AFTER DELETE ON credentials
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (OLD.status = 'Verified') EXECUTE FUNCTION bump_directory_version();
                CREATE CONSTRAINT TRIGGER tr_member_profiles_directory AFTER UPDATE OF display_name, is_hidden ON member_profiles
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
                CREATE CONSTRAINT TRIGGER tr_member_profiles_directory_insert AFTER INSERT OR DELETE ON member_profiles
                    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_directory_version();
                """);

            // Each event's version: bumped by PostgreSQL on any change to the event or to its ticket types, except the
            // seat counters, which change with every registration and are read fresh anyway. The registration desk
            // keeps an event in memory under its version and checks it in the same round trip that reads the
            // counters, so a change made through any process, or straight in SQL, is seen by the next registration.
            // The column lists name every column but the counters (and the version itself); SchemaTests fails when a
            // new column is missing from them, and a migration that adds a column to events or ticket_types must
            // recreate the trigger with it. Organizer changes lock the event row before touching its ticket types, so
            // the ticket-type trigger's update of the event row adds no lock-order cycle.
            migrationBuilder.Sql(
                """
                CREATE FUNCTION bump_event_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    NEW.version := OLD.version + 1;
                    RETURN NEW;
                END
                $$;

                CREATE TRIGGER tr_events_version BEFORE UPDATE OF
                    id, organizer_id, co_organizer_ids, kind, format, title, description, time_zone, starts_at, ends_at,
                    venue_name, venue_address, venue_prefecture, online_join_url, attendee_materials, attendee_notes,
                    audience, audience_professions, capacity, requires_approval, speakers, questions, reminder_rules,
                    pledge_text, pledge_version, cancellation_deadline_hours, hold_minutes, offer_hours, status,
                    cancellation_reason, sequence, created_at, updated_at, published_at, cancelled_at
                    ON events FOR EACH ROW EXECUTE FUNCTION bump_event_version();

                CREATE FUNCTION bump_event_version_of_ticket_type() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    UPDATE events SET version = version + 1
                     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.event_id ELSE NEW.event_id END;
                    IF TG_OP = 'UPDATE' AND OLD.event_id <> NEW.event_id THEN
                        UPDATE events SET version = version + 1 WHERE id = OLD.event_id;
                    END IF;
                    RETURN NULL;
                END
                $$;

                CREATE TRIGGER tr_ticket_types_version AFTER INSERT OR DELETE OR UPDATE OF
                    id, event_id, name, price_yen, member_price_yen, quota, sales_start_at, sales_end_at, max_per_member, side
                    ON ticket_types FOR EACH ROW EXECUTE FUNCTION bump_event_version_of_ticket_type();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "calendar_feeds");

            migrationBuilder.DropTable(
                name: "check_ins");

            migrationBuilder.DropTable(
                name: "credentials");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "directory_versions");

            migrationBuilder.DropTable(
                name: "domain_events");

            migrationBuilder.DropTable(
                name: "idempotency_records");

            migrationBuilder.DropTable(
                name: "introductions");

            migrationBuilder.DropTable(
                name: "mail_preferences");

            migrationBuilder.DropTable(
                name: "matchmaking_meetings");

            migrationBuilder.DropTable(
                name: "matchmaking_selections");

            migrationBuilder.DropTable(
                name: "member_profiles");

            migrationBuilder.DropTable(
                name: "outbox_emails");

            migrationBuilder.DropTable(
                name: "practice_profiles");

            migrationBuilder.DropTable(
                name: "processed_stripe_events");

            migrationBuilder.DropTable(
                name: "refunds");

            migrationBuilder.DropTable(
                name: "reminder_sends");

            migrationBuilder.DropTable(
                name: "role_claims");

            migrationBuilder.DropTable(
                name: "user_claims");

            migrationBuilder.DropTable(
                name: "user_logins");

            migrationBuilder.DropTable(
                name: "user_roles");

            migrationBuilder.DropTable(
                name: "user_tokens");

            migrationBuilder.DropTable(
                name: "vocabulary_terms");

            migrationBuilder.DropTable(
                name: "waitlist_entries");

            migrationBuilder.DropTable(
                name: "event_sessions");

            migrationBuilder.DropTable(
                name: "referral_requests");

            migrationBuilder.DropTable(
                name: "payments");

            migrationBuilder.DropTable(
                name: "roles");

            migrationBuilder.DropTable(
                name: "registrations");

            migrationBuilder.DropTable(
                name: "ticket_types");

            migrationBuilder.DropTable(
                name: "events");

            migrationBuilder.DropTable(
                name: "users");

            // The tables took their triggers with them; the functions go by hand.
            migrationBuilder.Sql(
                """
                DROP FUNCTION bump_event_version_of_ticket_type();
                DROP FUNCTION bump_event_version();
                DROP FUNCTION bump_directory_version();
                """);
        }
    }
}
