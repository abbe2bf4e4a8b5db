namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// The one conversion from <see cref="EfiStatus"/> to an outcome. A call succeeds on EFI_SUCCESS,
/// and on a warning only if the caller passes <see cref="WarningPolicy.TreatAsSuccess"/>.
/// Calls with an out-value return <see cref="EfiResult{T}"/>, built from this conversion.
/// </summary>
public readonly struct EfiResult
{
    public EfiStatus Status { get; }
    public bool IsSuccess { get; }

    private EfiResult(EfiStatus status, bool isSuccess)
    {
        Status = status;
        IsSuccess = isSuccess;
    }

    public static EfiResult From(EfiStatus status) => From(status, WarningPolicy.TreatAsError);

    public static EfiResult From(EfiStatus status, WarningPolicy warnings) =>
        new(status, status.IsSuccess || (status.IsWarning && warnings == WarningPolicy.TreatAsSuccess));

    /// <summary>
    /// The outcome of a call given a <paramref name="capacity"/>-byte buffer that reports the
    /// <paramref name="count"/> it moved (a read may be short): the count on success, and
    /// EFI_BAD_BUFFER_SIZE for a driver that claims more bytes than it was given.
    /// </summary>
    public static EfiResult<int> ByteCount(EfiStatus status, nuint count, int capacity)
    {
        if (!From(status).IsSuccess)
        {
            return EfiResult<int>.Failure(status);
        }

        return count > (nuint)capacity ? EfiResult<int>.Failure(EfiStatus.BadBufferSize) : EfiResult<int>.Success(status, (int)count);
    }
}
