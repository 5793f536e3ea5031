// The request bodies README.md shows, typed with the client `npx openapi-typescript` generates from
// /openapi/v1.json. scripts/check-client.sh generates api.d.ts beside this file and type-checks it:
// a body the README shows but the document refuses (or the reverse) fails the check.
import type { components } from "./api";

type Body = components["schemas"];
const id = "0193b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";

export const bodies = {
  // Try it
  register: { email: "mari@example.jp", password: "yoru-no-shinsatsushitsu" } satisfies Body["RegisterRequest"],
  login: { email: "mari@example.jp", password: "yoru-no-shinsatsushitsu" } satisfies Body["LoginRequest"],
  profile: {
    displayName: "山田 花子", nameKana: "やまだ はなこ", professions: ["clinicalPsychologist"], organisation: "こころの相談室",
    prefecture: "osaka", bio: "児童・思春期の心理支援をしています。", interests: ["トラウマ", "家族支援"], preferredLanguage: "ja",
    visibility: { organisation: "members", bio: "public" }, hidden: false,
  } satisfies Body["UpdateMyProfileRequest"],
  credential: {
    kind: "certifiedPublicPsychologist", registrationNumber: "第12345号", issuer: "厚生労働省", expiresOn: "2030-03-31",
  } satisfies Body["SubmitCredentialRequest"],

  // Routes so far
  reject: { reason: "登録番号が公開名簿と一致しません" } satisfies Body["RejectCredentialRequest"],
  revoke: { reason: "資格の失効を確認しました" } satisfies Body["RevokeCredentialRequest"],
  roles: { roles: ["organizer"] } satisfies Body["SetMemberRolesRequest"],
  deleteAccount: { password: "yoru-no-shinsatsushitsu" } satisfies Body["DeleteMyAccountRequest"],
  cancelEvent: { reason: "講師の体調不良のため" } satisfies Body["CancelEventRequest"],
  event: {
    kind: "studySession", format: "online", title: "相談記録の書き方 勉強会", timeZone: "Asia/Tokyo",
    startsAt: "2026-12-08T19:00:00+09:00", endsAt: "2026-12-08T21:00:00+09:00", capacity: 40,
    ticketTypes: [{ name: "一般", priceYen: 0 }],
  } satisfies Body["EventRequest"],
  register_for_event: {
    ticketTypeId: id, quantity: 1, answers: [{ questionId: id, text: "児童福祉施設で心理職をしています" }], pledgeAccepted: true,
  } satisfies Body["RegisterForEventRequest"],
  register_minimal: { ticketTypeId: id } satisfies Body["RegisterForEventRequest"],
  removeRegistration: { reason: "重複したお申し込みのため" } satisfies Body["RemoveRegistrationRequest"],
  checkIn: { code: "K7Q2-9XPA", sessionId: id } satisfies Body["CheckInAttendeeRequest"],
  refund: { amountYen: 1000 } satisfies Body["RefundRegistrationRequest"],
  refundAll: {} satisfies Body["RefundRegistrationRequest"],
  message: { subject: "会場変更のお知らせ", body: "会場が3階に変わりました。", statuses: ["confirmed"] } satisfies Body["MessageAttendeesRequest"],
  mailPreferences: { reminders: false } satisfies Body["MailPreferences"],
  term: { labelJa: "遊戯療法", labelEn: "Play therapy", active: true } satisfies Body["VocabularyTermRequest"],
  referral: {
    wantedProfessions: ["clinicalPsychologist"], specialties: ["trauma-ptsd"], ageGroup: "adolescent", area: ["osaka"],
    urgency: "routine", note: "思春期のトラウマに対するTF-CBTをお願いできる方を探しています。",
  } satisfies Body["NewReferralRequest"],
  introductions: { profileIds: [id] } satisfies Body["SendIntroductionsRequest"],
  close: { outcome: "firstSessionBooked" } satisfies Body["CloseReferralRequestRequest"],
  accept: {} satisfies Body["AcceptIntroductionRequest"],
  decline: { reason: "noCapacity" } satisfies Body["DeclineIntroductionRequest"],
  rounds: { rounds: 5, minutesPerRound: 10 } satisfies Body["MatchmakingRoundsRequest"],
  selections: { memberIds: [id] } satisfies Body["MatchmakingSelectionsRequest"],
};
