namespace UefiRecovery.Efi.Uefi;

/// <summary>
/// An outcome that carries a value only on success. The safe layer builds it with
/// <see cref="Success"/> only after the status said the out-value is valid, so nothing written
/// behind an out-pointer by a failed call is ever handed on.
/// </summary>
public readonly struct EfiResult<T>
{
    private readonly T value;

    public EfiStatus Status { get; }
    public bool IsSuccess { get; }

    private EfiResult(EfiStatus status, bool isSuccess, T value)
    {
        Status = status;
        IsSuccess = isSuccess;
        this.value = value;
    }

    /// <param name="status">The status of the call that produced the value (success or accepted warning).</param>
    public static EfiResult<T> Success(EfiStatus status, T value) => new(status, true, value);

    public static EfiResult<T> Failure(EfiStatus status) => new(status, false, default!);

    /// <summary>
    /// <paramref name="value"/> (read from the call's out-values) when <paramref name="status"/> is success
    /// (<see cref="EfiResult.From(EfiStatus)"/>), else a failure that drops it.
    /// </summary>
    public static EfiResult<T> From(EfiStatus status, T value) =>
        EfiResult.From(status).IsSuccess ? Success(status, value) : Failure(status);

    /// <summary>The value; a fail-fast if the call failed (use <see cref="TryGetValue"/> when failure is expected).</summary>
    public T Value
    {
        get
        {
            if (!IsSuccess)
            {
                Environment.FailFast("EfiResult.Value read after a failed UEFI call");
            }

            return value;
        }
    }

    public bool TryGetValue(out T result)
    {
        result = IsSuccess ? value : default!;
        return IsSuccess;
    }
}
