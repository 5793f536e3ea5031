using Assemble.Domain.Common;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// Writes many outbox rows at once with PostgreSQL's binary COPY, on the context's connection and inside its
/// current transaction (so they commit or roll back with the change that caused them): a reminder to thousands of
/// attendees leaves at once instead of waiting for SaveChanges (bench/README.md, "Reminder fan-out").
/// <see cref="Columns"/> is pinned to the EF model by a test.
/// </summary>
public static class OutboxRows
{
    public static readonly string[] Columns =
    [
        "id", "to", "subject", "text_body", "html_body", "essential", "status", "attempts", "created_at", "next_attempt_at",
        "sent_at", "last_error", "attachment_name", "attachment_content_type", "attachment_content", "unsubscribe_url",
    ];

    public static async Task CopyAsync(AppDbContext db, IReadOnlyCollection<OutboxEmail> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Outbox rows are written inside the transaction of their change.");
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var columns = string.Join(", ", Columns.Select(c => $"\"{c}\""));
        await using var import = await connection.BeginBinaryImportAsync($"COPY outbox_emails ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var e in rows)
        {
            await import.StartRowAsync(cancellationToken);
            await import.WriteAsync(e.Id, NpgsqlDbType.Uuid, cancellationToken);
            await import.WriteAsync(e.To, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(e.Subject, NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(e.TextBody, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(import, e.HtmlBody, NpgsqlDbType.Text, cancellationToken);
            await import.WriteAsync(e.Essential, NpgsqlDbType.Boolean, cancellationToken);
            await import.WriteAsync(e.Status.ToString(), NpgsqlDbType.Varchar, cancellationToken);
            await import.WriteAsync(e.Attempts, NpgsqlDbType.Integer, cancellationToken);
            await import.WriteAsync(e.CreatedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            await import.WriteAsync(e.NextAttemptAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            if (e.SentAt is { } sent) await import.WriteAsync(sent.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
            else await import.WriteNullAsync(cancellationToken);
            await WriteNullableAsync(import, e.LastError, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, e.AttachmentName, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, e.AttachmentContentType, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(import, e.AttachmentContent, NpgsqlDbType.Text, cancellationToken);
            await WriteNullableAsync(import, e.UnsubscribeUrl, NpgsqlDbType.Varchar, cancellationToken);
        }
        await import.CompleteAsync(cancellationToken);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter import, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null) await import.WriteNullAsync(cancellationToken);
        else await import.WriteAsync(value, type, cancellationToken);
    }
}
