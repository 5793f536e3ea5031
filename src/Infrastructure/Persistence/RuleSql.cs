using Assemble.Domain.Credentials;
using Assemble.Domain.Events;
using Assemble.Domain.Memberships;

namespace Assemble.Infrastructure.Persistence;

/// <summary>
/// The domain rules that raw SQL, CHECK constraints and partial indexes must repeat, written once each in SQL over
/// our column names. RuleSqlAgreementTests runs every one of them and the domain rule over the same table of cases
/// against PostgreSQL, so a rule changed on one side only fails there.
/// </summary>
public static class RuleSql
{
    /// <summary><see cref="CredentialValidity"/> over a <c>credentials</c> row aliased <paramref name="alias"/>, on the day <paramref name="today"/> (a parameter).</summary>
    public static string CredentialValidOn(string alias, string today)
        => $"{alias}.status = '{nameof(CredentialStatus.Verified)}' AND ({alias}.expires_on IS NULL OR {alias}.expires_on >= {today})";

    /// <summary>
    /// <see cref="MembershipPeriod.Covers"/> over a <c>membership_payments</c> row aliased <paramref name="alias"/>, on the day
    /// <paramref name="day"/> (a parameter), for a payment not voided (EF's query filter on the table).
    /// </summary>
    public static string MembershipActiveOn(string alias, string day) => $"{alias}.voided_at IS NULL AND {alias}.starts_on <= {day} AND {day} <= {alias}.ends_on";

    /// <summary><see cref="SeatRoom.Left"/> of an <c>events</c> row.</summary>
    public const string EventSeatsLeft = "greatest(0, capacity - seats_taken)";

    /// <summary><see cref="SeatRoom.Fits(int, int, int)"/> of an <c>events</c> row for <paramref name="quantity"/> (a parameter) more seats.</summary>
    public static string EventFits(string quantity) => $"{quantity} <= {EventSeatsLeft}";

    /// <summary>
    /// <see cref="RegistrationStatuses.Active"/> as an SQL list, <c>('PendingApproval', …)</c>. A constant (C# cannot
    /// build one from the list), so that the statements embedding it stay constants too; a test holds it to the list.
    /// </summary>
    public const string ActiveStatuses = "('" + nameof(RegistrationStatus.PendingApproval) + "', '" + nameof(RegistrationStatus.PendingPayment)
        + "', '" + nameof(RegistrationStatus.Confirmed) + "')";
}
