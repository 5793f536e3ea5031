using System.Security.Claims;
using Assemble.Api.Common;
using Assemble.Domain.Common;
using Assemble.Domain.Events;
using Assemble.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using QRCoder;

namespace Assemble.Api.Features.Registrations;

/// <summary>The check-in code as a PNG QR image, for the member's own confirmed registration.</summary>
public static class GetRegistrationQr
{
    public sealed class Handler(AppDbContext db)
    {
        public async Task<Result<byte[]>> HandleAsync(ClaimsPrincipal user, Guid id, CancellationToken cancellationToken)
        {
            var memberId = user.RequiredMemberId();
            var registration = await db.Registrations.AsNoTracking()
                .Where(r => r.Id == id && r.MemberId == memberId)
                .Select(r => new { r.Status, r.CheckInCode })
                .SingleOrDefaultAsync(cancellationToken);
            if (registration is null) return RegistrationErrors.NotFound;
            if (registration.Status != RegistrationStatus.Confirmed) return RegistrationErrors.NotCheckInable;
            using var generator = new QRCodeGenerator();
            using var data = generator.CreateQrCode(registration.CheckInCode, QRCodeGenerator.ECCLevel.M);
            return new PngByteQRCode(data).GetGraphic(8);
        }
    }
}
