namespace Assemble.Domain.Members;

/// <summary>The professions Assemble knows (see the glossary); a credential proves one of them.</summary>
public enum Profession
{
    CertifiedPublicPsychologist,
    ClinicalPsychologist,
    CertifiedSocialWorker,
    PsychiatricSocialWorker,
    Physician,
    Psychiatrist,
    Nurse,
    PublicHealthNurse,
    Teacher,
    SchoolCounselor,
    CareerConsultant,
    Coach,
    Other,
}
