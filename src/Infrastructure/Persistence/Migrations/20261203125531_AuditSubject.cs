using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Assemble.Infrastructure.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class AuditSubject : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "subject_id",
                table: "audit_log",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_subject_id_id",
                table: "audit_log",
                columns: new[] { "subject_id", "id" });

            // Lines written before subject_id existed: name the member whose data each was about, where the target says.
            migrationBuilder.Sql("""
                UPDATE audit_log a SET subject_id = c.member_id FROM credentials c
                 WHERE a.subject_id IS NULL AND a.target_type = 'credential' AND a.target_id = c.id;
                UPDATE audit_log a SET subject_id = r.requester_id FROM referral_requests r
                 WHERE a.subject_id IS NULL AND a.target_type = 'referral_request' AND a.target_id = r.id;
                UPDATE audit_log a SET subject_id = r.requester_id FROM introductions i JOIN referral_requests r ON r.id = i.request_id
                 WHERE a.subject_id IS NULL AND a.target_type = 'introduction' AND a.target_id = i.id AND a.detail = 'requester_contact';
                UPDATE audit_log SET subject_id = actor_id WHERE subject_id IS NULL AND action = 'referral.introduction_withdrawn';
                UPDATE audit_log a SET subject_id = i.invitee_id FROM introductions i
                 WHERE a.subject_id IS NULL AND a.target_type = 'introduction' AND a.target_id = i.id;
                UPDATE audit_log SET subject_id = target_id WHERE subject_id IS NULL AND target_type = 'member';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_audit_log_subject_id_id",
                table: "audit_log");

            migrationBuilder.DropColumn(
                name: "subject_id",
                table: "audit_log");
        }
    }
}
