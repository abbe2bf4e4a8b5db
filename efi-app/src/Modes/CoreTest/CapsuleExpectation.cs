#if PORTABLE_CORE
using UefiRecovery.Core.Image.Pkcs7;

namespace UefiRecovery.Efi.Modes.CoreTest;

/// <summary>
/// One vector of ../shared/vectors/edk2-capsules and the verdict its README expects: the ESP path the
/// qemu-tests side copies it to, the check name, and the exact status (and PKCS7 detail) required.
/// </summary>
internal readonly struct CapsuleExpectation
{
    public CapsuleExpectation(string checkName, string espPath, CapsuleStatus status, string statusName,
        Pkcs7Failure pkcs7Failure, string pkcs7FailureName, int repeats = 0)
    {
        CheckName = checkName;
        EspPath = espPath;
        Status = status;
        StatusName = statusName;
        Pkcs7Failure = pkcs7Failure;
        Pkcs7FailureName = pkcs7FailureName;
        Repeats = repeats;
    }

    public string CheckName { get; }

    public string EspPath { get; }

    public CapsuleStatus Status { get; }

    /// <summary>The enum name, as a literal: the shim has no enum formatting.</summary>
    public string StatusName { get; }

    /// <summary>For PKCS7 rejections, the detail the verifier must give; None otherwise.</summary>
    public Pkcs7Failure Pkcs7Failure { get; }

    public string Pkcs7FailureName { get; }

    /// <summary>How many extra timed verifications to run (0: none).</summary>
    public int Repeats { get; }

    public bool ExpectsAccept => Status == CapsuleStatus.Ok;
}
#endif
